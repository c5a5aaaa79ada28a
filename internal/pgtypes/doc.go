// Package pgtypes is where Arrow values become PostgreSQL's and client
// parameters become Go values: the type model of result columns and
// parameters, the encoding of result rows, and the decoding of Bind
// parameter values.
//
// It owns:
//   - the engine-neutral type model (TypeID, Type, Column) the planner
//     describes statements with, and its mapping to PostgreSQL types
//     (OID, ParamOID, TypeSize); the type OIDs themselves (OIDText,
//     OIDName, ..., ArrayOID, ElementOID), the one table of them the
//     server and the pg catalog emulation both use;
//   - result encoding (RowEncoder): Arrow record batches, column by
//     column, into DataRow fields in each column's format, text or binary,
//     byte for byte what PostgreSQL 15 sends
//     (https://www.postgresql.org/docs/15/protocol-message-formats.html);
//     the caps of one value and one row (Limits);
//   - parameter decoding (DecodeParams): values of the extended protocol's
//     Bind, by declared type and format, into Go values or text DuckDB
//     casts as PostgreSQL would read it.
//
// What flows in: Arrow arrays of the engine's batches, the result Columns
// (their Type says the PostgreSQL type and, for types Arrow does not
// tell, the engine's type), the client's result format codes, the
// session's time zone, psql-wire's pgtype.Map for the fallback path, and
// raw parameter bytes with their OIDs and formats.
//
// What flows out: DataRow (or COPY BINARY CopyData) messages, or the
// bytes of each field for COPY text and CSV and for psql-wire's row-by-row
// DataWriter (RawRows, written as they are by the codecs RegisterTypes
// installs); Go values for the planner to bind; typed errors
// (ResultTooLargeError, ParamError).
//
// How a result flows (rowenc.go): a RowEncoder plans each column once per
// Arrow type: a placed encoder (placed.go) that writes fields straight
// into the messages, a buffered columnar encoder (textenc.go,
// datetime.go, numeric.go, wideint.go), or the boxed fallback (boxed.go),
// pgtype encoding each value as a Go value. The fallback is the reference
// the columnar encoders are tested against (rowenc_test.go). Rows go out
// in spans of at most MaxSpanBytes, so memory stays flat.
//
// Must never: do I/O (the server writes what it gets back), import
// DuckDB, psql-wire or anything of lakegate (archtest keeps it a leaf),
// or decide a SQLSTATE: errors go back typed and server/errors.go maps
// them.
package pgtypes
