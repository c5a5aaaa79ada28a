package catalog

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/google/uuid"
)

// Matching delete files to data files: by partition for equality and
// position deletes, and by the referenced data file (or file_path bounds)
// for position deletes.

// partitionKey identifies a (spec, partition tuple) for matching delete
// files to data files: values compare after their transform, integer-backed
// types by value whatever their Go type.
func partitionKey(specID int32, partition map[int]any) (string, error) {
	ids := make([]int, 0, len(partition))
	for id := range partition {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b := strconv.AppendInt(nil, int64(specID), 10)
	b = append(b, '|')
	for _, id := range ids {
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ':')
		switch v := partition[id].(type) {
		case nil:
			b = append(b, 'z')
		case bool:
			b = strconv.AppendBool(append(b, 'b', ':'), v)
		case int:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case int32:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case int64:
			b = strconv.AppendInt(append(b, 'i', ':'), v, 10)
		case iceberg.Date:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.Time:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.Timestamp:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.TimestampNano:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case float32:
			b = strconv.AppendFloat(append(b, 'f', ':'), float64(v), 'x', -1, 64)
		case float64:
			b = strconv.AppendFloat(append(b, 'f', ':'), v, 'x', -1, 64)
		case string:
			b = strconv.AppendInt(append(b, 's', ':'), int64(len(v)), 10)
			b = append(append(b, ':'), v...)
		case []byte:
			b = hex.AppendEncode(append(b, 'B', ':'), v)
		case uuid.UUID:
			b = hex.AppendEncode(append(b, 'B', ':'), v[:])
		case iceberg.Decimal:
			b = strconv.AppendInt(append(b, 'd', ':'), int64(v.Scale), 10)
			b = append(append(b, ':'), v.Val.BigInt().String()...)
		default:
			return "", fmt.Errorf("catalog: partition value of type %T", v)
		}
		b = append(b, ';')
	}
	return string(b), nil
}

// posDeleteIndex finds the position-delete files of a data file.
type posDeleteIndex struct {
	byPath      map[string][]*fileEntry
	byPartition map[string][]*fileEntry
}

// filePathField is the field id of file_path in position-delete files.
const filePathField = 2147483546

// referencedPath is the one data file a position-delete file applies to,
// when known: the recorded reference, or equal file_path bounds.
func referencedPath(fe *fileEntry) string {
	if fe.refPath != "" {
		return fe.refPath
	}
	lo, hi := fe.lower[filePathField], fe.upper[filePathField]
	if len(lo) == 0 || string(lo) != string(hi) {
		return ""
	}
	return string(lo)
}

func newPosDeleteIndex(files []*fileEntry) (*posDeleteIndex, error) {
	idx := &posDeleteIndex{byPath: map[string][]*fileEntry{}, byPartition: map[string][]*fileEntry{}}
	for _, fe := range files {
		if p := referencedPath(fe); p != "" {
			idx.byPath[p] = append(idx.byPath[p], fe)
			continue
		}
		k, err := partitionKey(fe.specID, fe.partition)
		if err != nil {
			return nil, err
		}
		idx.byPartition[k] = append(idx.byPartition[k], fe)
	}
	for _, l := range idx.byPath {
		slices.SortStableFunc(l, func(a, b *fileEntry) int { return cmp.Compare(a.seq, b.seq) })
	}
	for _, l := range idx.byPartition {
		slices.SortStableFunc(l, func(a, b *fileEntry) int { return cmp.Compare(a.seq, b.seq) })
	}
	return idx, nil
}

func (idx *posDeleteIndex) forDataFile(data *fileEntry) ([]*fileEntry, error) {
	if len(idx.byPath) == 0 && len(idx.byPartition) == 0 {
		return nil, nil
	}
	var out []*fileEntry
	if len(idx.byPartition) > 0 {
		k, err := partitionKey(data.specID, data.partition)
		if err != nil {
			return nil, err
		}
		l := idx.byPartition[k]
		for _, d := range l[sort.Search(len(l), func(i int) bool { return l[i].seq >= data.seq }):] {
			if filePathMayMatch(d, data.path) {
				out = append(out, d)
			}
		}
	}
	l := idx.byPath[data.path]
	out = append(out, l[sort.Search(len(l), func(i int) bool { return l[i].seq >= data.seq }):]...)
	return out, nil
}

// filePathMayMatch checks a partition-scoped position-delete file's
// file_path metrics against one data file path.
func filePathMayMatch(d *fileEntry, path string) bool {
	if d.count == 0 {
		return false
	}
	if vc, ok := d.valueCounts[filePathField]; ok {
		if nc, ok := d.nullCounts[filePathField]; ok && nc == vc {
			return false
		}
		if nan, ok := d.nanCounts[filePathField]; ok && nan == vc {
			return false
		}
	}
	if lo := d.lower[filePathField]; lo != nil && strings.Compare(string(lo), path) > 0 {
		return false
	}
	if hi := d.upper[filePathField]; hi != nil && strings.Compare(string(hi), path) < 0 {
		return false
	}
	return true
}
