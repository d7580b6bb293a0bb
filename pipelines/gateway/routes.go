package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/oklog/run"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/intake"
	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
	"github.com/ketenpoort/ketenpoort/pipelines/stage"
)

// addPipeline adds the message router (one handler per source: raw topic → canonical records) and the HTTP intake
// to the group. Without mapping files there is nothing to route, and only the outbox relay runs.
func (g *Gateway) addPipeline(ctx context.Context, group *run.Group, sources *source.Registry) error {
	if len(sources.Names()) == 0 {
		g.log.Warn("no sources: the pipeline is idle", "mappings", g.cfg.Mappings)
		return nil
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: g.cfg.ShutdownTimeout}, watermill.NewSlogLogger(g.log.With("component", "router")))
	if err != nil {
		return fmt.Errorf("starting router: %w", err)
	}
	router.AddMiddleware(
		middleware.CorrelationID,
		// An infrastructure failure (the database) is retried with backoff; after that the message is nacked and
		// delivered again, so an outage pauses the flow instead of losing or parking messages. Bad input never
		// gets here: the stage dead-letters it.
		middleware.Retry{MaxRetries: 5, InitialInterval: 200 * time.Millisecond, MaxInterval: 10 * time.Second,
			Multiplier: 2, RandomizationFactor: 0.2, Logger: watermill.NewSlogLogger(g.log)}.Middleware,
		middleware.Recoverer,
	)
	// Each raw topic is read by a group of its own (<consumerGroup>.<topic>): an instance that starts or stops
	// rebalances each source's handlers apart, not every handler of the deployment at each join. Earlier versions
	// shared one group, <consumerGroup>, over all raw topics; a topic's group takes over its offsets once.
	sub, err := kafka.NewSubscriber(kafka.SubscriberConfig{Brokers: g.brokers, ConsumerGroup: g.cfg.Kafka.ConsumerGroup,
		PreviousGroup: g.cfg.Kafka.ConsumerGroup, MaxBytes: max(g.rawMessageBytes(), 10<<20), Logger: g.log.With("component", "kafka")})
	if err != nil {
		return fmt.Errorf("starting subscriber: %w", err)
	}
	st := stage.New(sources, g.pool, stage.Topics{Records: g.cfg.Kafka.Topics.Records, DeadLetters: g.cfg.Kafka.Topics.DeadLetters},
		g.log.With("component", "stage"))
	resolver, err := identity.New(g.pool, g.cfg.Identity)
	if err != nil {
		return fmt.Errorf("starting person resolution: %w", err)
	}
	st.Resolver = resolver
	st.Metrics = stage.NewMetrics(g.ops.Registry())
	g.ops.Registry().MustRegister(countGauge("ketenpoort_review_open",
		"Review items (possible matches, BSN conflicts) waiting for a reviewer", resolver.OpenReviews))
	// Chunks of records per transaction share resolution's round trips (ResolveMany); lanes store several chunks
	// of a message at once. On two cores, 64 and 2 (the defaults): a 20,000-record export 141-177 s at one record
	// per transaction, 34 s (median) so; four lanes gain nothing there. A chunk that deadlocks twice is stored in
	// halves (stage.lanes).
	st.ChunkSize, st.Lanes = g.cfg.Pipeline.ChunkSize, g.cfg.Pipeline.Lanes
	for _, name := range sources.Names() {
		router.AddNoPublisherHandler("map."+name, g.cfg.Kafka.Topics.RawPrefix+name, sub, st.Handle)
	}
	g.ops.Registry().MustRegister(&lagCollector{brokers: g.brokers, group: g.cfg.Kafka.ConsumerGroup,
		prefix: g.cfg.Kafka.Topics.RawPrefix, sources: sources.Names()})
	reindexCtx, stopReindex := context.WithCancel(ctx)
	group.Add(func() error {
		// A gateway whose matcher prepares or keys records differently from the one that wrote the index
		// derives the index's features and blocking keys anew before it resolves anything against them. It does
		// so before the router starts, while the ops endpoints already answer (readiness 503: the router is not
		// running) and the relay publishes what is committed.
		done, stats, err := resolver.EnsureScheme(reindexCtx, nil)
		if err != nil {
			if reindexCtx.Err() != nil {
				return nil // stopped before the pipeline started
			}
			return fmt.Errorf("starting person resolution: %w", err)
		}
		if done {
			g.log.Info("person index reindexed under the current scheme", "scheme", identity.Scheme, "records", stats.Records)
		}
		return router.Run(context.Background())
	}, func(error) {
		stopReindex()
		if err := router.Close(); err != nil {
			g.log.Warn("closing router", "error", err)
		}
	})
	g.ops.AddCheck("router", func(context.Context) error {
		if !router.IsRunning() {
			return errors.New("router not running")
		}
		return nil
	})

	if g.cfg.Intake.Listen == "off" {
		return nil
	}
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: g.brokers, BatchBytes: int64(g.rawMessageBytes()),
		Logger: g.log.With("component", "kafka")})
	if err != nil {
		return fmt.Errorf("starting intake publisher: %w", err)
	}
	var partners []intake.Partner
	for _, p := range g.cfg.Intake.Partners {
		partners = append(partners, intake.Partner{Code: p.Code, TokenSHA256: p.TokenSHA256, Sources: p.Sources})
	}
	h, err := intake.NewHandler(pub, g.cfg.Kafka.Topics.RawPrefix, partners, g.cfg.Intake.MaxBytes, g.log.With("component", "intake"))
	if err != nil {
		return errors.Join(err, pub.Close())
	}
	mux := http.NewServeMux()
	h.Register(mux)
	ln, err := net.Listen("tcp", g.cfg.Intake.Listen)
	if err != nil {
		return errors.Join(fmt.Errorf("intake: %w", err), pub.Close())
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	group.Add(func() error {
		g.log.Info("intake listening", "addr", ln.Addr().String(), "partners", len(partners))
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}, func(error) {
		ctx, cancel := context.WithTimeout(context.Background(), g.cfg.ShutdownTimeout)
		defer cancel()
		_ = srv.Shutdown(ctx) // finishes the requests in flight: their messages are published before we stop
		_ = pub.Close()
	})
	return nil
}

// lagDesc describes the lag of a source's raw topic.
var lagDesc = prometheus.NewDesc("ketenpoort_source_lag",
	"Messages on a source's raw topic that the deployment has not yet handled (committed offsets, every second); -1 when the broker does not answer.",
	[]string{"source"}, nil)

// lagCollector reads, at each scrape, the lag of every source's raw topic from the broker: the consumer group's
// committed offsets against the topic's end, as any instance of the deployment would see it.
type lagCollector struct {
	brokers []string
	group   string
	prefix  string
	sources []string
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc }

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, src := range c.sources {
		topic := c.prefix + src
		n, err := kafka.GroupLag(ctx, c.brokers, kafka.GroupID(c.group, topic), topic)
		if err != nil {
			n = -1
		}
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(n), src)
	}
}
