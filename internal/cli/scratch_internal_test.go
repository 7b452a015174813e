package cli

import (
	"io"
	"os"
	"testing"
)

// The text table's scratch file leaves nothing behind in the temporary
// directory, even while it is open, and reads back what was written.
func TestScratchFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	f, err := scratchFile()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(f, "rows"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the open scratch file is in %s: %v", dir, entries)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(f); err != nil || string(b) != "rows" {
		t.Errorf("read back %q, %v; want rows", b, err)
	}
	if err := f.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the closed scratch file is in %s: %v", dir, entries)
	}
}
