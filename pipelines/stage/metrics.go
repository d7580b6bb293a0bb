package stage

import "github.com/prometheus/client_golang/prometheus"

// Metrics count what the stage does per source, for ops: records mapped, records rejected to the dead letters,
// and data-quality findings by code (schema errors accepted in lenient mode, BSNs failing the elfproef, ...).
type Metrics struct {
	Records  *prometheus.CounterVec
	Rejected *prometheus.CounterVec
	Findings *prometheus.CounterVec
}

// NewMetrics returns the stage's metrics, registered with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketenpoort_records_mapped_total",
			Help: "Records read, validated and mapped, per source."}, []string{"source"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketenpoort_records_rejected_total",
			Help: "Records (or whole inputs) that went to the dead letters, per source."}, []string{"source"}),
		Findings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ketenpoort_findings_total",
			Help: "Data-quality findings on mapped records, per source and code (schema, bsn-elfproef, ...)."}, []string{"source", "code"}),
	}
	reg.MustRegister(m.Records, m.Rejected, m.Findings)
	return m
}
