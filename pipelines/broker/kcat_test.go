package broker

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// kcat runs kcat with args and stdin and returns its standard output. kcat
// is librdkafka's command-line client: a Kafka client not written in Go.
func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatalf("kcat not found in PATH (%v): `make deps` installs it", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func TestKcatMetadata(t *testing.T) {
	b := startTestBroker(t, Config{DataDir: t.TempDir()})
	addr := b.Addrs()[0]
	out := kcat(t, "", "-L", "-b", addr)
	for _, want := range []string{"1 brokers:", "broker 0 at " + addr} {
		if !strings.Contains(out, want) {
			t.Errorf("kcat -L output lacks %q:\n%s", want, out)
		}
	}
}

func TestKcatProduceConsume(t *testing.T) {
	b := startTestBroker(t, Config{DataDir: t.TempDir()})
	addr := b.Addrs()[0]
	records := []string{"p1=first", "p2=second", "p1=third", "p3=fourth"}
	kcat(t, strings.Join(records, "\n")+"\n", "-P", "-b", addr, "-t", "kcat-topic", "-K", "=")

	t.Run("partition consumer", func(t *testing.T) {
		out := kcat(t, "", "-C", "-b", addr, "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n")
		got := strings.Fields(out)
		slices.Sort(got)
		want := slices.Clone(records)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("consumed %v, want %v", got, want)
		}
		if strings.Index(out, "p1=first") > strings.Index(out, "p1=third") {
			t.Errorf("records of key p1 out of order:\n%s", out)
		}
	})

	t.Run("group consumer", func(t *testing.T) {
		out := kcat(t, "", "-C", "-b", addr, "-G", "kcat-group", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n", "kcat-topic")
		got := strings.Fields(out)
		slices.Sort(got)
		want := slices.Clone(records)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("group consumed %v, want %v", got, want)
		}
	})
}
