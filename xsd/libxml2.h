/*
 * libxml2.h declares the small C layer between package xsd and libxml2:
 * schema compilation, streaming validation of one in-memory document and
 * the collection of libxml2's structured errors.
 */
#ifndef KETENPOORT_XSD_LIBXML2_H
#define KETENPOORT_XSD_LIBXML2_H

#include <libxml/xmlschemas.h>

/* XSD_MAX_PROBLEMS caps the problems kept per call; the rest are counted. */
#define XSD_MAX_PROBLEMS 100

/* Problem kinds, mirrored by the Kind constants in Go. */
enum {
	XSD_KIND_MALFORMED = 1, /* not well-formed XML, bad encoding */
	XSD_KIND_INVALID = 2,   /* well-formed but not valid against the schema */
	XSD_KIND_FORBIDDEN = 3, /* a construct refused by policy (DOCTYPE) */
	XSD_KIND_SCHEMA = 4,    /* a problem in the schema itself */
	XSD_KIND_WARNING = 5    /* a warning while compiling a schema */
};

typedef struct {
	int kind;
	int line;
	char *element; /* malloc'ed or NULL */
	char *message; /* malloc'ed or NULL */
} xsdProblem;

typedef struct {
	int count;          /* problems stored in problems[] */
	int omitted;        /* problems beyond XSD_MAX_PROBLEMS */
	int keep_warnings;  /* store warnings too (schema compilation) */
	int internal_error; /* libxml2 could not run (out of memory) */
	xsdProblem problems[XSD_MAX_PROBLEMS];
} xsdResult;

void xsdInit(void);
xmlSchemaPtr xsdCompile(const char *path, xsdResult *res);
int xsdValidate(xmlSchemaPtr schema, const char *buf, int len, xsdResult *res);
void xsdResultFree(xsdResult *res);

#endif
