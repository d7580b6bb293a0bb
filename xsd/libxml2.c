/*
 * libxml2.c is the C layer of package xsd. It keeps every libxml2 call that
 * needs C callbacks in one place:
 *
 *   - xsdInit installs a process-wide external entity loader that never
 *     touches the network and never loads anything for a document under
 *     validation, and silences libxml2's default error output.
 *   - xsdCompile compiles a schema from a file path, so relative
 *     include/import schemaLocations resolve against that file.
 *   - xsdValidate parses one in-memory document with a SAX parser that builds
 *     no tree, streams it through the schema validator, refuses any DOCTYPE
 *     and collects libxml2's structured errors into an xsdResult.
 *
 * All error handlers are per call: the thread-local structured error handler
 * is pointed at the call's result for the duration of the call and restored
 * afterwards, so concurrent calls on different threads never mix their
 * errors and nothing is printed to stderr.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "libxml2.h"

/*
 * Parser options for documents under validation: no network access.
 * Deliberately absent: XML_PARSE_NOENT (substitute entities),
 * XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID,
 * XML_PARSE_XINCLUDE and XML_PARSE_HUGE (which lifts libxml2's limits on
 * depth, name and text sizes).
 */
#define XSD_PARSE_OPTIONS XML_PARSE_NONET

/* Longest message and element name kept per problem, in bytes. */
#define XSD_MAX_MESSAGE 1024
#define XSD_MAX_ELEMENT 256

/* xsdValidationMarker tags the parser contexts of documents under validation. */
static int xsdValidationMarker;

typedef struct {
	xsdResult *res;
	xmlParserCtxtPtr pctxt; /* NULL while compiling a schema */
	int forbidden;
} xsdCall;

static void xsdSilent(void *ctx, const char *msg, ...) {
	(void)ctx;
	(void)msg;
}

/*
 * xsdEntityLoader refuses every external resource for a document under
 * validation and any network resource (http, ftp, also after catalog
 * resolution) for everything else, such as schema includes and imports.
 */
static xmlParserInputPtr xsdEntityLoader(const char *URL, const char *ID,
                                         xmlParserCtxtPtr ctxt) {
	if (ctxt != NULL && ctxt->_private == &xsdValidationMarker) {
		return NULL;
	}
	return xmlNoNetExternalEntityLoader(URL, ID, ctxt);
}

void xsdInit(void) {
	xmlInitParser();
	xmlSetExternalEntityLoader(xsdEntityLoader);
	xmlThrDefSetGenericErrorFunc(NULL, xsdSilent);
	xmlSetGenericErrorFunc(NULL, xsdSilent);
}

static char *xsdStrndup(const char *s, size_t max) {
	if (s == NULL) {
		return NULL;
	}
	size_t n = strnlen(s, max);
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void xsdAdd(xsdResult *res, int kind, int line, const char *element,
                   const char *message) {
	if (res->count >= XSD_MAX_PROBLEMS) {
		res->omitted++;
		return;
	}
	xsdProblem *p = &res->problems[res->count++];
	p->kind = kind;
	p->line = line;
	p->element = xsdStrndup(element, XSD_MAX_ELEMENT);
	p->message = xsdStrndup(message, XSD_MAX_MESSAGE);
}

static int xsdCurrentLine(xmlParserCtxtPtr pctxt) {
	if (pctxt == NULL || pctxt->input == NULL) {
		return 0;
	}
	return pctxt->input->line;
}

/* xsdCollect is the structured error handler of every call. */
static void xsdCollect(void *data, xmlErrorPtr err) {
	xsdCall *call = data;
	if (call == NULL || err == NULL) {
		return;
	}
	if (err->level == XML_ERR_WARNING) {
		if (call->res->keep_warnings) {
			xsdAdd(call->res, XSD_KIND_WARNING, err->line, err->file, err->message);
		}
		return;
	}
	if (call->pctxt == NULL) {
		/* Compiling a schema: element carries the schema file. */
		xsdAdd(call->res, XSD_KIND_SCHEMA, err->line, err->file, err->message);
		return;
	}
	int line = err->line;
	if (line <= 0) {
		line = xsdCurrentLine(call->pctxt);
	}
	if (err->domain == XML_FROM_SCHEMASV) {
		/* The element name is in the message; Go extracts it. */
		xsdAdd(call->res, XSD_KIND_INVALID, line, NULL, err->message);
		return;
	}
	const char *element = NULL;
	if (call->pctxt->nameNr > 0) {
		element = (const char *)call->pctxt->name;
	}
	xsdAdd(call->res, XSD_KIND_MALFORMED, line, element, err->message);
}

/*
 * xsdRejectDoctype runs when the parser meets a DOCTYPE, before any of its
 * internal subset (entity declarations) is read, and stops the parser.
 */
static void xsdRejectDoctype(void *ctx, const xmlChar *name,
                             const xmlChar *externalID,
                             const xmlChar *systemID) {
	(void)externalID;
	(void)systemID;
	xsdCall *call = ctx;
	call->forbidden = 1;
	xsdAdd(call->res, XSD_KIND_FORBIDDEN, xsdCurrentLine(call->pctxt),
	       (const char *)name, "DOCTYPE is not allowed");
	xmlStopParser(call->pctxt);
}

static int xsdLocate(void *ctx, const char **file, unsigned long *line) {
	if (file != NULL) {
		*file = NULL;
	}
	if (line != NULL) {
		*line = (unsigned long)xsdCurrentLine((xmlParserCtxtPtr)ctx);
	}
	return 0;
}

typedef struct {
	xmlStructuredErrorFunc serror;
	void *sctx;
	xmlGenericErrorFunc gerror;
	void *gctx;
} xsdHandlers;

static xsdHandlers xsdSwapHandlers(xsdCall *call) {
	xsdHandlers old = {xmlStructuredError, xmlStructuredErrorContext,
	                   xmlGenericError, xmlGenericErrorContext};
	xmlSetGenericErrorFunc(NULL, xsdSilent);
	xmlSetStructuredErrorFunc(call, xsdCollect);
	return old;
}

static void xsdRestoreHandlers(xsdHandlers old) {
	xmlSetStructuredErrorFunc(old.sctx, old.serror);
	xmlSetGenericErrorFunc(old.gctx, old.gerror);
}

xmlSchemaPtr xsdCompile(const char *path, xsdResult *res) {
	xsdCall call = {res, NULL, 0};
	xsdHandlers old = xsdSwapHandlers(&call);
	xmlSchemaPtr schema = NULL;
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
	if (pc == NULL) {
		res->internal_error = 1;
	} else {
		xmlSchemaSetParserStructuredErrors(pc, xsdCollect, &call);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	xsdRestoreHandlers(old);
	return schema;
}

int xsdValidate(xmlSchemaPtr schema, const char *buf, int len, xsdResult *res) {
	xsdCall call = {res, NULL, 0};
	xsdHandlers old = xsdSwapHandlers(&call);
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaSAXPlugPtr plug = NULL;
	int valid = 0;

	xmlParserCtxtPtr pctxt = xmlCreateMemoryParserCtxt(buf, len);
	if (pctxt == NULL) {
		res->internal_error = 1;
		goto done;
	}
	xmlCtxtUseOptions(pctxt, XSD_PARSE_OPTIONS);
	/* Whatever the thread's libxml2 defaults say: no entity substitution,
	 * no external subset, no DTD validation. */
	pctxt->replaceEntities = 0;
	pctxt->loadsubset = 0;
	pctxt->validate = 0;
	/* A SAX2 handler that builds no tree: the validator plugs in below. */
	memset(pctxt->sax, 0, sizeof(xmlSAXHandler));
	pctxt->sax->initialized = XML_SAX2_MAGIC;
	pctxt->sax->internalSubset = xsdRejectDoctype;
	pctxt->_private = &xsdValidationMarker;
	pctxt->userData = &call;
	call.pctxt = pctxt;

	vctxt = xmlSchemaNewValidCtxt(schema);
	if (vctxt == NULL) {
		res->internal_error = 1;
		goto done;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, xsdCollect, &call);
	plug = xmlSchemaSAXPlug(vctxt, &pctxt->sax, &pctxt->userData);
	if (plug == NULL) {
		res->internal_error = 1;
		goto done;
	}
	/* Entity references only reach this callback with a DTD, which is
	 * refused; libxml2's schema handler for it is a stub. */
	pctxt->sax->reference = NULL;
	xmlSchemaValidateSetLocator(vctxt, xsdLocate, pctxt);

	xmlParseDocument(pctxt);

	valid = pctxt->wellFormed && !call.forbidden &&
	        xmlSchemaIsValid(vctxt) == 1;
	xmlSchemaSAXUnplug(plug);

done:
	if (vctxt != NULL) {
		xmlSchemaFreeValidCtxt(vctxt);
	}
	if (pctxt != NULL) {
		pctxt->_private = NULL;
		xmlFreeParserCtxt(pctxt);
	}
	xsdRestoreHandlers(old);
	if (res->internal_error) {
		return -1;
	}
	if (valid && res->count == 0 && res->omitted == 0) {
		return 1;
	}
	return 0;
}

void xsdResultFree(xsdResult *res) {
	for (int i = 0; i < res->count; i++) {
		free(res->problems[i].element);
		free(res->problems[i].message);
		res->problems[i].element = NULL;
		res->problems[i].message = NULL;
	}
	res->count = 0;
	res->omitted = 0;
}
