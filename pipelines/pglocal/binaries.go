package pglocal

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// debianBinGlob matches the server binary directories of Debian's postgresql packages, one per major version.
// A variable so tests can point it elsewhere.
var debianBinGlob = "/usr/lib/postgresql/*/bin"

// binaries are the server programs a private cluster needs.
type binaries struct {
	initdb  string
	pgCtl   string
	version string // major version as named by the directory, or "" when found on $PATH
}

// findBinaries returns initdb and pg_ctl from dir when given, else from the newest Debian version directory, else
// from $PATH.
func findBinaries(dir string) (binaries, error) {
	if dir != "" {
		b, ok := binariesIn(dir)
		if !ok {
			return binaries{}, fmt.Errorf("initdb and pg_ctl not both in %s: %w", dir, ErrNoBinaries)
		}
		return b, nil
	}
	dirs, _ := filepath.Glob(debianBinGlob) // the pattern is constant and valid
	var best binaries
	var bestVer []int
	for _, d := range dirs {
		b, ok := binariesIn(d)
		if !ok {
			continue
		}
		b.version = filepath.Base(filepath.Dir(d))
		v := versionParts(b.version)
		if best.initdb == "" || newer(v, bestVer) {
			best, bestVer = b, v
		}
	}
	if best.initdb != "" {
		return best, nil
	}
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return binaries{initdb: initdb, pgCtl: pgCtl}, nil
	}
	return binaries{}, fmt.Errorf("looked in %s and $PATH: %w", debianBinGlob, ErrNoBinaries)
}

// binariesIn returns the programs in dir when both are there and executable.
func binariesIn(dir string) (binaries, bool) {
	b := binaries{initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
	return b, executable(b.initdb) && executable(b.pgCtl)
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// versionParts splits "15" or "9.6" into numbers; non-numbers count as 0.
func versionParts(v string) []int {
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, _ := strconv.Atoi(p)
		out = append(out, n)
	}
	return out
}

// newer reports whether version a is newer than b.
func newer(a, b []int) bool {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x > y
		}
	}
	return false
}
