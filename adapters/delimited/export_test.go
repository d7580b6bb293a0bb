package delimited

// CSVOnly has a read every row through encoding/csv, so that tests can compare it with the reader's own
// splitting of simple lines.
func CSVOnly(a *Adapter) { a.csvOnly = true }
