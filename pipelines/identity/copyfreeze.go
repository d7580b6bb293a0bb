package identity

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// copyFrozen empties table and fills it in one transaction on conn with COPY ... FREEZE from the rows next appends
// in COPY's text format, one call a row, until it returns false (copyFrozenFormat for the binary format). Rows
// copied into a table emptied in the same transaction are written frozen and all-visible: no later pass (a VACUUM,
// or every first reader setting hint bits) rewrites the pages of a table a backfill has just filled. A backfill may empty these tables: it runs only on an index without
// records (and their keys and documents).
func copyFrozen(ctx context.Context, conn *pgx.Conn, table string, columns []string, next func(dst []byte) ([]byte, bool, error)) (int64, error) {
	return copyFrozenFormat(ctx, conn, table, columns, false, next)
}

// copyFrozenFormat is copyFrozen in COPY's binary format when binary is set: next then appends the header before
// the first row and the trailer after the last (binaryCopyHeader, binaryCopyTrailer).
func copyFrozenFormat(ctx context.Context, conn *pgx.Conn, table string, columns []string, binary bool, next func(dst []byte) ([]byte, bool, error)) (int64, error) {
	var n int64
	with := "FREEZE"
	if binary {
		with = "FORMAT binary, FREEZE"
	}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `TRUNCATE `+table); err != nil {
			return err
		}
		sql := `COPY ` + table + ` (` + strings.Join(columns, ", ") + `) FROM STDIN WITH (` + with + `)`
		rows := &rowReader{next: next}
		tag, err := conn.PgConn().CopyFrom(ctx, rows, sql)
		if rows.err != nil {
			return rows.err // the server reports it only as the text of a failed COPY
		}
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return n, fmt.Errorf("copying into %s: %w", table, err)
	}
	return n, nil
}

// rowReader reads the rows next appends, a buffer at a time.
type rowReader struct {
	next func(dst []byte) ([]byte, bool, error)
	buf  []byte
	pos  int
	done bool
	err  error // what next failed with
}

func (r *rowReader) Read(p []byte) (int, error) {
	for r.pos >= len(r.buf) {
		if r.done {
			return 0, io.EOF
		}
		r.buf, r.pos = r.buf[:0], 0
		for len(r.buf) < 64<<10 {
			var more bool
			var err error
			r.buf, more, err = r.next(r.buf)
			if err != nil {
				r.err = err
				return 0, err
			}
			if !more {
				r.done = true
				break
			}
		}
	}
	n := copy(p, r.buf[r.pos:])
	r.pos += n
	return n, nil
}

// appendCopyText appends s as a field of COPY's text format: backslash, tab, newline and carriage return escaped.
func appendCopyText(dst []byte, s []byte) []byte {
	for _, c := range s {
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendCopyBytea appends b as a bytea field of COPY's text format: \\x and its hex digits.
func appendCopyBytea(dst []byte, b []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '\\', '\\', 'x')
	for _, c := range b {
		dst = append(dst, hex[c>>4], hex[c&15])
	}
	return dst
}

// appendCopyInt appends an integer field.
func appendCopyInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// The header and trailer of COPY's binary format: the signature, no flags, no header extension; a field count of
// -1.
var (
	binaryCopyHeader  = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	binaryCopyTrailer = []byte{0xff, 0xff}
)

// appendBinaryInt appends an integer field of size bytes (2 for smallint, 8 for bigint) in COPY's binary format.
func appendBinaryInt(dst []byte, v int64, size int) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(size))
	if size == 2 {
		return binary.BigEndian.AppendUint16(dst, uint16(v))
	}
	return binary.BigEndian.AppendUint64(dst, uint64(v))
}

// appendBinaryBytes appends a bytea field in COPY's binary format.
func appendBinaryBytes(dst []byte, b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(dst, uint32(len(b))), b...)
}
