package xsd

/*
#cgo pkg-config: libxml-2.0
#cgo CFLAGS: -std=gnu99 -O2
#include <stdlib.h>
#include "libxml2.h"
*/
import "C"

import (
	"strings"
	"sync"
	"unsafe"
)

var initOnce sync.Once

// initLibxml2 initialises libxml2 once per process, from the first goroutine
// that loads a schema, as libxml2 requires before concurrent use. It installs
// a process-wide external entity loader that refuses network access and
// silences libxml2's default error output.
func initLibxml2() {
	initOnce.Do(func() { C.xsdInit() })
}

// compile compiles the schema at path. It returns the compiled schema or nil,
// and the problems and warnings libxml2 reported.
func compile(path string) (C.xmlSchemaPtr, []Problem) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var res C.xsdResult
	res.keep_warnings = 1
	ptr := C.xsdCompile(cpath, &res)
	problems := takeProblems(&res)
	return ptr, problems
}

// validate validates doc against the compiled schema. ok reports whether the
// document is well-formed, free of refused constructs and schema-valid.
//
// The result lives in C memory: a Go one (2.7 kB, room for XSD_MAX_PROBLEMS
// problems) would be a heap allocation per document, which cgo's pointer
// check also walks on every call.
func validate(schema C.xmlSchemaPtr, doc []byte) (ok bool, problems []Problem, omitted int, internal bool) {
	res := (*C.xsdResult)(C.calloc(1, C.sizeof_xsdResult))
	if res == nil {
		return false, nil, 0, true
	}
	defer C.free(unsafe.Pointer(res))
	// libxml2 reads the document in place during the call and keeps no
	// reference to it afterwards.
	rc := C.xsdValidate(schema, (*C.char)(unsafe.Pointer(unsafe.SliceData(doc))), C.int(len(doc)), res)
	omitted = int(res.omitted)
	internal = res.internal_error != 0
	problems = takeProblems(res)
	return rc == 1, problems, omitted, internal
}

// takeProblems converts the collected problems to Go and frees their C strings.
func takeProblems(res *C.xsdResult) []Problem {
	defer C.xsdResultFree(res)
	n := int(res.count)
	if n == 0 {
		return nil
	}
	problems := make([]Problem, n)
	for i := range n {
		p := &res.problems[i]
		msg := cleanText(C.GoString(p.message))
		elem := cleanText(C.GoString(p.element))
		kind := Kind(p.kind)
		if kind == KindInvalid {
			elem = elementFromMessage(msg)
		}
		problems[i] = Problem{Line: int(p.line), Element: elem, Message: msg, Kind: kind}
	}
	return problems
}

// cleanText trims libxml2's trailing newline and replaces bytes that are not
// UTF-8 (libxml2 may quote raw input bytes, cut at a byte limit).
func cleanText(s string) string {
	return strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD")
}

// elementFromMessage returns the local name of the element a schema validity
// message is about: libxml2 starts them with "Element '{namespace}local'".
func elementFromMessage(msg string) string {
	rest, ok := strings.CutPrefix(msg, "Element '")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(name, '}'); i >= 0 {
		name = name[i+1:]
	}
	return name
}
