package engine

/*
#include <stdint.h>
#include <stdlib.h>

void lakegateTextFunction(void *info, void *input, void *output);
typedef void (*lakegate_text_function_t)(void *, void *, void *);

void lakegateTextFunctionDelete(void *data);
typedef void (*lakegate_text_function_delete_t)(void *);
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"unsafe"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// TextFunction computes one row of a scalar function over text: args are
// the row's arguments, none NULL (a NULL argument makes the result NULL
// without a call). A returned error fails the statement with its text.
type TextFunction func(args []string) (string, error)

// RegisterTextFunction makes fn callable as name(VARCHAR, ...) with nargs
// arguments, returning VARCHAR, in the whole database of c. The engine
// calls fn on its worker threads, a chunk of rows at a time; fn must be
// safe for concurrent use. A panic in fn fails the statement, not the
// process.
func (c *Conn) RegisterTextFunction(name string, nargs int, fn TextFunction) error {
	f := duck.CreateScalarFunction()
	defer duck.DestroyScalarFunction(&f)
	duck.ScalarFunctionSetName(f, name)
	varchar := duck.CreateLogicalType(duck.TypeVarchar)
	defer duck.DestroyLogicalType(&varchar)
	for range nargs {
		duck.ScalarFunctionAddParameter(f, varchar)
	}
	duck.ScalarFunctionSetReturnType(f, varchar)
	// The handle lives in C memory that the database frees through the
	// delete callback when it drops the function.
	h := (*C.uintptr_t)(C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0)))))
	*h = C.uintptr_t(cgo.NewHandle(fn))
	duck.ScalarFunctionSetExtraInfo(f, unsafe.Pointer(h), unsafe.Pointer(C.lakegate_text_function_delete_t(C.lakegateTextFunctionDelete)))
	duck.ScalarFunctionSetFunction(f, unsafe.Pointer(C.lakegate_text_function_t(C.lakegateTextFunction)))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("engine: closed")
	}
	if duck.RegisterScalarFunction(c.conn, f) != duck.StateSuccess {
		return fmt.Errorf("engine: register function %s", name)
	}
	return nil
}

//export lakegateTextFunction
func lakegateTextFunction(infoPtr, inputPtr, outputPtr unsafe.Pointer) {
	info := duck.FunctionInfo{Ptr: infoPtr}
	defer func() {
		if r := recover(); r != nil {
			duck.ScalarFunctionSetError(info, fmt.Sprintf("internal error in a lakegate function: %v", r))
		}
	}()
	fn := cgo.Handle(*(*C.uintptr_t)(duck.ScalarFunctionGetExtraInfo(info))).Value().(TextFunction)
	input, output := duck.DataChunk{Ptr: inputPtr}, duck.Vector{Ptr: outputPtr}
	rows := int(duck.DataChunkGetSize(input))
	ncols := int(duck.DataChunkGetColumnCount(input))
	cols := make([][]duck.StringT, ncols)
	valid := make([]unsafe.Pointer, ncols)
	for i := range ncols {
		v := duck.DataChunkGetVector(input, duck.IdxT(i))
		cols[i] = unsafe.Slice((*duck.StringT)(duck.VectorGetData(v)), rows)
		valid[i] = duck.VectorGetValidity(v)
	}
	args := make([]string, ncols)
	var outValid unsafe.Pointer
	for r := range rows {
		null := false
		for i := range ncols {
			if !duck.ValidityRowIsValid(valid[i], duck.IdxT(r)) {
				null = true
				break
			}
			args[i] = duck.StringTData(&cols[i][r])
		}
		if null {
			if outValid == nil {
				duck.VectorEnsureValidityWritable(output)
				outValid = duck.VectorGetValidity(output)
			}
			duck.ValiditySetRowInvalid(outValid, duck.IdxT(r))
			continue
		}
		s, err := fn(args)
		if err != nil {
			duck.ScalarFunctionSetError(info, err.Error())
			return
		}
		duck.VectorAssignStringElement(output, duck.IdxT(r), s)
	}
}

//export lakegateTextFunctionDelete
func lakegateTextFunctionDelete(data unsafe.Pointer) {
	h := (*C.uintptr_t)(data)
	cgo.Handle(*h).Delete()
	C.free(data)
}
