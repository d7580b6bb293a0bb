package mappings

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

//go:generate go test -run TestSchemaInSync -update .

// JSONSchema returns the JSON Schema of mapping files, for editors: it is generated from the same key lists,
// transform table and canonical types the loader checks against, so the target paths an editor offers are the
// ones Load accepts. mapping.schema.json is this output, checked in; a test fails when it is stale.
func JSONSchema() []byte {
	defs := map[string]any{}
	rootLists := map[string]any{}
	for _, name := range []string{"persons", "cases", "partners"} {
		f, _ := fieldByJSON(typeRecord, name)
		rootLists[name] = map[string]any{"type": "array", "items": ref(blockDef(defs, f.Type.Elem()))}
	}
	props := map[string]any{
		"source":       desc(str(), "The configured source name the mapping is for, e.g. gemeente-eindhoven."),
		"partner":      desc(str(), "The code of the partner that delivers the source."),
		"modelVersion": desc(map[string]any{"const": canonical.ModelVersion}, "The canonical model version the mapping maps to."),
		"description":  desc(str(), "Free text about the source."),
		"adapter": desc(map[string]any{"type": "object", "required": []string{"type"},
			"properties": map[string]any{"type": desc(str(), "The registered adapter: xml, delimited, fixedwidth.")}},
			"The adapter that reads the source and its options (see adapters/REFERENCE.md); relative paths are relative to the mapping file."),
		"localId": desc(ref(idRuleDef(defs)), "Where the record's own id is: a source path, or a rule without target."),
		"lookups": desc(map[string]any{"type": "object", "additionalProperties": ref(lookupDef(defs))},
			"Code lists by name, used by the transform step {lookup: name}."),
	}
	for k, v := range rootLists {
		props[k] = v
	}
	checkKeys(props, fileKeys)
	schema := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://ketenpoort.nl/schemas/mapping.schema.json",
		"title":                "ketenpoort mapping file",
		"description":          "Maps one source's records to canonical records. See mappings/README.md.",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"source", "modelVersion"},
		"properties":           props,
		"$defs":                defs,
	}
	b, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		panic(err) // maps of strings and slices always marshal
	}
	return append(b, '\n')
}

func str() map[string]any { return map[string]any{"type": "string"} }

func scalar() map[string]any { return map[string]any{"type": []string{"string", "number", "boolean"}} }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }

func desc(m map[string]any, d string) map[string]any { m["description"] = d; return m }

// checkKeys keeps the schema honest: it must describe exactly the keys the decoder knows.
func checkKeys(props map[string]any, keys []string) {
	if len(props) != len(keys) {
		panic("mapping schema out of step with the decoder's keys: " + strings.Join(keys, ","))
	}
	for _, k := range keys {
		if _, ok := props[k]; !ok {
			panic("mapping schema lacks key " + k)
		}
	}
}

// blockDef defines the block that builds elements of type t.
func blockDef(defs map[string]any, t reflect.Type) string {
	name := "block." + t.Name()
	if _, ok := defs[name]; ok {
		return name
	}
	defs[name] = nil // reserve against recursion
	props := map[string]any{
		"target":  desc(str(), "The list this block fills, relative to the enclosing block."),
		"foreach": desc(str(), "A source path: one element per node it leads to. Without it, one element from the enclosing node."),
		"when":    ref(whenDef(defs)),
		"fields":  map[string]any{"type": "array", "items": ref(ruleDef(defs, t))},
		"lists":   map[string]any{"type": "array", "items": map[string]any{"oneOf": listItems(defs, t)}},
		"id":      desc(ref(idRuleDef(defs)), "The element's local id (provenance.localId)."),
		"person":  desc(ref(blockDef(defs, typePerson)), "An involvement's person: mapped from the same node, linked by its local id."),
	}
	checkKeys(props, blockKeys)
	if _, ok := fieldByJSON(t, "provenance"); !ok {
		delete(props, "id")
	}
	if t != typeInvolvement {
		delete(props, "person")
	}
	if len(listPaths(t)) == 0 {
		delete(props, "lists")
	}
	defs[name] = map[string]any{
		"description":          "Builds " + typeLabel(t) + " elements.",
		"type":                 "object",
		"additionalProperties": false,
		"properties":           props,
	}
	return name
}

// listItems gives, for each list of t, a block for its element type with the target fixed.
func listItems(defs map[string]any, t reflect.Type) []any {
	var out []any
	for _, p := range listPaths(t) {
		tg, err := resolveTarget(t, p)
		if err != nil {
			continue
		}
		out = append(out, map[string]any{
			"allOf":    []any{ref(blockDef(defs, tg.typ))},
			"required": []string{"target"},
			"properties": map[string]any{
				"target": map[string]any{"const": p},
			},
		})
	}
	return out
}

// ruleDef defines a field rule whose target is in t.
func ruleDef(defs map[string]any, t reflect.Type) string {
	name := "rule." + t.Name()
	if _, ok := defs[name]; ok {
		return name
	}
	props := ruleProps(defs)
	props["target"] = desc(map[string]any{"anyOf": []any{
		map[string]any{"enum": leafPaths(t)},
		map[string]any{"type": "string", "pattern": `\[[0-9]{1,2}\]`},
	}}, "The canonical field the rule sets, relative to the block's "+typeLabel(t)+".")
	checkKeys(props, ruleKeys)
	defs[name] = map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"target"},
		"properties":           props,
	}
	return name
}

// idRuleDef defines a rule without target, or a bare source path.
func idRuleDef(defs map[string]any) string {
	const name = "idRule"
	if _, ok := defs[name]; ok {
		return name
	}
	props := ruleProps(defs)
	defs[name] = map[string]any{"oneOf": []any{
		desc(str(), "A source path."),
		map[string]any{"type": "object", "additionalProperties": false, "properties": props},
	}}
	return name
}

func ruleProps(defs map[string]any) map[string]any {
	bools := sortedKeys(boolCodes)
	return map[string]any{
		"from": desc(map[string]any{"oneOf": []any{str(), map[string]any{"type": "array", "items": str(), "minItems": 1}}},
			"Source path(s): child names separated by /, @name for an attribute, a leading / for the record root. Several paths are joined with the separator."),
		"value":     desc(scalar(), "A constant instead of a source field."),
		"separator": desc(str(), "Joins several from paths; default one space."),
		"default":   desc(scalar(), "The canonical value when the source has none."),
		"required":  desc(map[string]any{"type": "boolean"}, "A missing value fails the record."),
		"when":      ref(whenDef(defs)),
		"transform": map[string]any{"type": "array", "items": ref(stepDef(defs))},
		"pattern":   desc(str(), "A regular expression the value must match after the transforms."),
		"date":      desc(map[string]any{"type": "string", "pattern": "^[YMD/. -]+$"}, "The layout of a date: YYYYMMDD, DD-MM-YYYY, YYYY-MM-DD, DD/MM/YYYY...; 00 means unknown."),
		"bool":      desc(map[string]any{"enum": bools}, "The yes/no codes a boolean target accepts; default any."),
		"split":     desc(str(), "Splits the value into several for a list of values."),
		"issuer":    desc(str(), "The issuer of an identifiers[scheme] value."),
		"onInvalid": desc(map[string]any{"enum": onInvalidModes}, "error (default) fails the record; finding leaves the value out with a finding."),
	}
}

func stepDef(defs map[string]any) string {
	const name = "transformStep"
	if _, ok := defs[name]; ok {
		return name
	}
	var plain []string
	var withArg []any
	for _, t := range transformNames {
		switch {
		case t.arg == "":
			plain = append(plain, t.name)
		case t.name == "replace":
			withArg = append(withArg, map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"replace"},
				"description": t.doc,
				"properties": map[string]any{"replace": map[string]any{
					"type": "object", "additionalProperties": false, "required": []string{"pattern"},
					"properties": map[string]any{"pattern": str(), "with": str()},
				}},
			})
		default:
			withArg = append(withArg, map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{t.name},
				"description": t.doc,
				"properties":  map[string]any{t.name: str()},
			})
		}
	}
	sort.Strings(plain)
	defs[name] = map[string]any{"oneOf": append([]any{map[string]any{"enum": plain}}, withArg...)}
	return name
}

func whenDef(defs map[string]any) string {
	const name = "when"
	if _, ok := defs[name]; ok {
		return name
	}
	props := map[string]any{"field": desc(str(), "The source path tested.")}
	for _, op := range condOps {
		switch op {
		case "present", "absent":
			props[op] = map[string]any{"type": "boolean"}
		case "in", "notIn":
			props[op] = map[string]any{"type": "array", "items": scalar()}
		default:
			props[op] = scalar()
		}
	}
	cond := map[string]any{"type": "object", "additionalProperties": false, "required": []string{"field"},
		"minProperties": 2, "maxProperties": 2, "properties": props}
	defs["condition"] = cond
	defs[name] = desc(map[string]any{"oneOf": []any{ref("condition"), map[string]any{"type": "array", "items": ref("condition")}}},
		"Applies the rule or block only when the condition holds; a list means all must hold.")
	return name
}

func lookupDef(defs map[string]any) string {
	const name = "lookup"
	props := map[string]any{
		"values":     desc(map[string]any{"type": "object", "additionalProperties": scalar()}, "Code to canonical value."),
		"file":       desc(str(), "A code-list file next to the mapping: .csv (code;value) or .yaml."),
		"default":    desc(scalar(), "The value for an unknown code; without it an unknown code fails the record."),
		"ignoreCase": map[string]any{"type": "boolean"},
	}
	checkKeys(props, lookupKeys)
	defs[name] = map[string]any{"type": "object", "additionalProperties": false, "properties": props,
		"oneOf": []any{map[string]any{"required": []string{"values"}}, map[string]any{"required": []string{"file"}}}}
	return name
}
