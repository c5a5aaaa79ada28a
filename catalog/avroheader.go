package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/twmb/avro"
)

// Manifests whose Avro header lost Iceberg's keys.
//
// A manifest's header carries "format-version" and "content" (data or
// deletes). Some tools rewrite manifests without them (Impala's test
// warehouse is one: its delete manifests read as v1 data manifests), and
// iceberg-go then refuses the table because the manifest list, which
// Java readers trust, says "deletes". completeManifestHeader restores the
// two keys from the manifest itself: a manifest whose data_file record
// has the v2 "content" field is a v2 manifest, and its entries' content
// (0 data, 1 position deletes, 2 equality deletes) says which kind.

var avroMagic = []byte{'O', 'b', 'j', 1}

// completeManifestHeader returns data, an Avro object container file, with
// "format-version" and "content" added to its header when it is a v2
// manifest missing them; anything else is returned unchanged.
func completeManifestHeader(data []byte) []byte {
	meta, err := ocfMetadata(data)
	if err != nil || meta["content"] != nil || meta["format-version"] != nil {
		return data
	}
	recs, hdr, err := decodeAvro(data)
	if err != nil || len(recs) == 0 {
		return data // an empty manifest says nothing of its kind
	}
	root := hdr.schema.Root()
	if root.Name != "manifest_entry" || !hasV2Content(root) {
		return data
	}
	first, _ := recs[0].(map[string]any)
	df, _ := first["data_file"].(map[string]any)
	kind := intValue(df["content"])
	if kind < 0 {
		return data
	}
	hdr.meta["format-version"] = []byte("2")
	hdr.meta["content"] = []byte("data")
	if kind > 0 {
		hdr.meta["content"] = []byte("deletes")
	}
	out, err := writeAvro(hdr, recs)
	if err != nil {
		return data
	}
	return out
}

// hasV2Content reports whether a manifest_entry schema's data_file record
// has the content field Iceberg v2 added.
func hasV2Content(root *avro.SchemaNode) bool {
	for _, f := range root.Fields {
		if f.Name != "data_file" {
			continue
		}
		for _, g := range f.Type.Fields {
			if g.Name == "content" {
				return true
			}
		}
	}
	return false
}

// ocfMetadata reads the metadata map of an object container file's header
// without parsing its schema.
func ocfMetadata(data []byte) (map[string][]byte, error) {
	if !bytes.HasPrefix(data, avroMagic) {
		return nil, errors.New("not an Avro object container file")
	}
	meta := map[string][]byte{}
	off := len(avroMagic)
	long := func() (int64, error) {
		v, n := binary.Varint(data[off:])
		if n <= 0 {
			return 0, errors.New("bad varint in Avro header")
		}
		off += n
		return v, nil
	}
	blob := func() ([]byte, error) {
		n, err := long()
		if err != nil {
			return nil, err
		}
		if n < 0 || int64(len(data)-off) < n {
			return nil, errors.New("bad length in Avro header")
		}
		b := data[off : off+int(n)]
		off += int(n)
		return b, nil
	}
	for {
		count, err := long()
		if err != nil {
			return nil, err
		}
		if count == 0 {
			return meta, nil
		}
		if count < 0 {
			count = -count
			if _, err := long(); err != nil { // the block's size in bytes
				return nil, err
			}
		}
		for range count {
			k, err := blob()
			if err != nil {
				return nil, err
			}
			v, err := blob()
			if err != nil {
				return nil, err
			}
			meta[string(k)] = v
		}
	}
}
