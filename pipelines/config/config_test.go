package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGoodConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/*.good.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good configs: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f); err != nil {
				t.Fatalf("Load: %v", err)
			}
		})
	}
}

func TestBadConfigs(t *testing.T) {
	// Every bad file must fail with all of these message parts, so a reader knows which key on which line is wrong.
	want := map[string][]string{
		"unknown-key.bad.yml":  {"kafka.brokerz (line 2): unknown key; known keys here: brokers, consumerGroup, embedded, topics"},
		"bad-duration.bad.yml": {`outbox.pollInterval (line 2): want a duration such as 500ms, 30s or 2m, got "often"`},
		"bad-values.bad.yml": {
			`database.maxConns (line 5): want a whole number, got "0x10"`,
		},
		"bad-listen.bad.yml":          {`http.listen: want host:port, got "8080"`, `kafka.brokers[0]: want host:port, got "kafka-1"`},
		"not-a-list.bad.yml":          {"kafka.brokers (line 2): want a list"},
		"bad-topic.bad.yml":           {`kafka.topics.dossiers: "dossiers v1": only letters, digits`},
		"twice.bad.yml":               {"mappings (line 2): key given twice"},
		"bad-pipeline.bad.yml":        {"pipeline.chunkSize: want 1 to 10000, got -1", "pipeline.lanes: want 1 to database.maxConns (10), got 50"},
		"identity-thresholds.bad.yml": {"identity: match: thresholds.match (5) must be above thresholds.possible (12)"},
		"bad-partner.bad.yml":         {"intake.partners[0].tokenSha256: want the 64 hex digits", "intake.partners[0].sources: name at least one source"},
	}
	files, _ := filepath.Glob("testdata/*.bad.yml")
	if len(files) != len(want) {
		t.Fatalf("%d bad configs in testdata, %d expectations: keep them in step", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			_, err := Load(f)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, part := range want[name] {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, part)
				}
			}
			if !strings.Contains(err.Error(), f) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestBadValuesReportedTogether(t *testing.T) {
	// Values that decode but do not validate are all reported in one go.
	_, err := Parse([]byte("log:\n  format: xml\n  level: loud\n"))
	if err == nil {
		t.Fatal("want error")
	}
	for _, part := range []string{`log.format: want json or text, got "xml"`, `log.level: want debug, info, warn or error, got "loud"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not contain %q", err, part)
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !c.EmbeddedBroker() {
		t.Error("no brokers configured must mean the embedded broker")
	}
	if c.Kafka.Embedded.Listen != "127.0.0.1:9092" || c.Kafka.Embedded.DataDir != "data/kafka" {
		t.Errorf("embedded broker defaults: %+v", c.Kafka.Embedded)
	}
	if c.Kafka.Topics.Dossiers != "ketenpoort.dossiers.v1" || c.Outbox.PollInterval != time.Second {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.Pipeline.ChunkSize != 64 || c.Pipeline.Lanes != 2 {
		t.Errorf("pipeline defaults: %+v, want chunks of 64 on 2 lanes", c.Pipeline)
	}
}

func TestFullConfigValues(t *testing.T) {
	c, err := Load("testdata/full.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddedBroker() || len(c.Kafka.Brokers) != 2 || c.Outbox.PollInterval != 250*time.Millisecond ||
		c.ShutdownTimeout != time.Minute || c.Database.MaxConns != 20 || c.Pipeline.ChunkSize != 32 || c.Pipeline.Lanes != 4 {
		t.Errorf("values not read: %+v", c)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want a not-exist error, got %v", err)
	}
}
