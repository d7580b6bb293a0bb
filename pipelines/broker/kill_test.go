package broker

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ketenpoort/ketenpoort/pipelines/kafka"
)

// childDataDirEnv makes the test binary run only a broker on that data dir,
// print its address and wait to be killed.
const childDataDirEnv = "KETENPOORT_BROKER_CHILD_DATA_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDataDirEnv); dir != "" {
		b, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: dir})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(b.Addrs()[0])
		select {}
	}
	os.Exit(m.Run())
}

// TestKillLosesNothingAcknowledged kills a broker process with SIGKILL after
// a produce with acks=all and an offset commit, and expects both after a
// restart on the same data dir.
func TestKillLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDataDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading child broker address: %v", err)
	}
	brokers := []string{strings.TrimSpace(addr)}

	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*message.Message
	for i := 1; i <= 10; i++ {
		msg := message.NewMessage(fmt.Sprintf("m%02d", i), []byte("x"))
		msg.Metadata.Set(kafka.PartitionKeyMetadata, "one-key")
		msgs = append(msgs, msg)
	}
	if err := pub.Publish("killed", msgs...); err != nil {
		t.Fatal(err)
	}
	pub.Close()
	consume(t, subscriberConfig(brokers, "survivor"), "killed", 4)

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true

	b := startTestBroker(t, Config{Addr: "127.0.0.1:0", DataDir: dir})
	all := consume(t, subscriberConfig(b.Addrs(), ""), "killed", 10)
	if got := strings.Join(all, ","); got != "m01,m02,m03,m04,m05,m06,m07,m08,m09,m10" {
		t.Errorf("records after kill: %s", got)
	}
	rest := consume(t, subscriberConfig(b.Addrs(), "survivor"), "killed", 6)
	if got := strings.Join(rest, ","); got != "m05,m06,m07,m08,m09,m10" {
		t.Errorf("group resumed with %s after kill, want m05..m10", got)
	}
}
