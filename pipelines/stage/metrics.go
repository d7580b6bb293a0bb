package stage

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ketenpoort/ketenpoort/pipelines/identity"
)

// Metrics count what the stage does per source, for ops: records mapped, records rejected to the dead letters,
// data-quality findings by code (schema errors accepted in lenient mode, BSNs failing the elfproef, ...), and what
// person resolution decided for the records' persons and how long it took.
type Metrics struct {
	Records  *prometheus.CounterVec
	Rejected *prometheus.CounterVec
	Findings *prometheus.CounterVec
	// Resolved counts resolved persons per source and decision (match, possible-match, no-match, conflict).
	Resolved *prometheus.CounterVec
	// Created counts the persons minted for records of a source, Merged the persons merged into another by them,
	// Reviews the review items they raised.
	Created, Merged, Reviews *prometheus.CounterVec
	// Resolution is the time one resolution takes: the persons of one transaction's records (a chunk of up to 64
	// in the gateway) against the index, inside the transaction that stores them.
	Resolution prometheus.Histogram
}

// NewMetrics returns the stage's metrics, registered with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	perSource := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"source"})
	}
	m := &Metrics{
		Records:  perSource("ketenpoort_records_mapped_total", "Records read, validated and mapped, per source."),
		Rejected: perSource("ketenpoort_records_rejected_total", "Records (or whole inputs) that went to the dead letters, per source."),
		Findings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketenpoort_findings_total",
			Help: "Data-quality findings on mapped records, per source and code (schema, bsn-elfproef, ...)."}, []string{"source", "code"}),
		Resolved: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketenpoort_persons_resolved_total",
			Help: "Persons of mapped records resolved against the person index, per source and decision (match, possible-match, no-match, conflict)."},
			[]string{"source", "decision"}),
		Created: perSource("ketenpoort_persons_created_total", "Persons minted for records of a source (no match in the index)."),
		Merged:  perSource("ketenpoort_persons_merged_total", "Persons merged into another because a record of the source matched both."),
		Reviews: perSource("ketenpoort_review_items_raised_total", "Review items (possible matches, BSN conflicts) raised by records of a source."),
		Resolution: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ketenpoort_person_resolution_seconds",
			Help:    "Time one resolution takes: the persons of one transaction's records (up to 64 in the gateway) against the index.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}),
	}
	reg.MustRegister(m.Records, m.Rejected, m.Findings, m.Resolved, m.Created, m.Merged, m.Reviews, m.Resolution)
	return m
}

// resolved adds the committed results of one resolution to the metrics.
func (m *Metrics) resolved(src string, rs []identity.Result, took time.Duration) {
	if m == nil || len(rs) == 0 {
		return
	}
	m.Resolution.Observe(took.Seconds())
	var created, merged, reviews int
	for _, r := range rs {
		m.Resolved.WithLabelValues(src, r.Decision.String()).Inc()
		if r.Created {
			created++
		}
		merged += len(r.Merged)
		reviews += r.Reviews
	}
	m.Created.WithLabelValues(src).Add(float64(created))
	m.Merged.WithLabelValues(src).Add(float64(merged))
	m.Reviews.WithLabelValues(src).Add(float64(reviews))
}
