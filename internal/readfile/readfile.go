// Package readfile reads the files nodesim's inputs name, refusing what
// could hang or exhaust memory: devices, pipes and directories, and files
// larger than the caller's limit.
package readfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Regular reads the regular file at path, at most limit bytes. Errors
// name no path: callers add it, with the key that named the file.
func Regular(path string, limit int64) ([]byte, error) {
	// NB: look before opening: opening a named pipe blocks until a writer
	// comes. O_NONBLOCK covers a pipe swapped in between; Stat on the open
	// file checks again.
	if err := checkRegular(os.Stat(path)); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, unwrap(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err := checkRegular(fi, err); err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, tooLarge(fi.Size(), limit)
	}
	// NB: a file can grow after Stat; read one byte past the limit to notice.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(int64(len(data)), limit)
	}
	return data, nil
}

// Limited reads the file at path, whatever its kind (a pipe from a shell's
// process substitution included), at most limit bytes, and reports
// whether it held more. Open errors name no path: callers add it.
func Limited(path string, limit int64) (data []byte, more bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, unwrap(err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(data)) > limit {
		return nil, true, nil
	}
	return data, false, nil
}

// Error is bad input in a file, at a line where known.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func checkRegular(fi os.FileInfo, err error) error {
	if err != nil {
		return unwrap(err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", kind(fi.Mode()))
	}
	return nil
}

// unwrap drops the *os.PathError's operation and path: callers name the file.
func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func tooLarge(size, limit int64) error {
	return fmt.Errorf("larger than the %s limit (%s or more)", bytes(limit), bytes(size))
}

func bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
