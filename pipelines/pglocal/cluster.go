package pglocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// throwawayPrefix names the temporary directories of throwaway clusters, so orphans can be recognised.
const throwawayPrefix = "ketenpoort-pg-"

// ownerFile, inside a throwaway cluster's directory, holds the pid of the process that created it.
const ownerFile = "owner.pid"

// stopTimeout bounds stopping a cluster.
const stopTimeout = 90 * time.Second

// cluster is a private PostgreSQL cluster run with initdb and pg_ctl.
type cluster struct {
	bins binaries
	port int
	log  *slog.Logger

	root      string // throwaway only: the temporary directory holding everything, removed by stop
	dataDir   string
	logFile   string
	throwaway bool
	runAs     *osUser // the unprivileged user the server runs as when we are root; nil to run as ourselves
}

// osUser is the system user a cluster runs as when the current process is root: initdb refuses to run as root.
type osUser struct {
	name     string
	uid, gid int
	runuser  string
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// startThrowaway creates and starts a cluster in a new temporary directory, tuned for speed over durability.
func (c *cluster) startThrowaway(ctx context.Context) (err error) {
	c.throwaway = true
	if err := c.resolveUser(); err != nil {
		return err
	}
	c.reapOrphans(ctx)
	root, err := os.MkdirTemp("", throwawayPrefix+"*")
	if err != nil {
		return fmt.Errorf("creating temporary directory: %w", err)
	}
	c.root = root
	defer func() {
		if err != nil {
			_ = os.RemoveAll(root)
		}
	}()
	if err := os.WriteFile(filepath.Join(root, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("writing owner file: %w", err)
	}
	if err := c.chown(root); err != nil {
		return err
	}
	c.dataDir = filepath.Join(root, "data")
	c.logFile = filepath.Join(root, "postgres.log")
	if err := c.initdb(ctx, "--no-sync"); err != nil {
		return err
	}
	return c.startOnPort(ctx, "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
}

// startPersistent starts the cluster in c.dataDir, initialising it first when the directory is empty, and adopts
// a server still running there from an earlier process that did not stop it.
func (c *cluster) startPersistent(ctx context.Context) error {
	if err := c.resolveUser(); err != nil {
		return err
	}
	c.logFile = filepath.Join(c.dataDir, "postgresql.log")
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("creating data dir: %w", err)
	}
	initialised, err := exists(filepath.Join(c.dataDir, "PG_VERSION"))
	if err != nil {
		return fmt.Errorf("inspecting data dir: %w", err)
	}
	if !initialised {
		entries, err := os.ReadDir(c.dataDir)
		if err != nil {
			return fmt.Errorf("reading data dir: %w", err)
		}
		if len(entries) > 0 {
			return fmt.Errorf("data dir %s is not empty and holds no postgresql cluster", c.dataDir)
		}
		if err := c.chown(c.dataDir); err != nil {
			return err
		}
	}
	if c.runAs != nil {
		// Every parent directory must let the server's user through; say so plainly instead of letting initdb
		// or the server fail with a bare "permission denied".
		if _, err := c.run(ctx, "test", "-w", c.dataDir, "-a", "-x", c.dataDir); err != nil {
			return fmt.Errorf("data dir %s is not writable by user %s (each parent directory needs o+x): %w",
				c.dataDir, c.runAs.name, err)
		}
	}
	if !initialised {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if adopted, err := c.adopt(ctx); err != nil || adopted {
		return err
	}
	return c.startOnPort(ctx, "")
}

// adopt takes over a server already running in the data directory, as left behind by a process that was killed.
func (c *cluster) adopt(ctx context.Context) (bool, error) {
	pidFile, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading postmaster.pid: %w", err)
	}
	if _, err := c.run(ctx, c.bins.pgCtl, "status", "-D", c.dataDir); err != nil {
		return false, nil // stale pid file: the server removes it when it starts
	}
	lines := strings.Split(string(pidFile), "\n")
	if len(lines) < 4 {
		return false, fmt.Errorf("a server is running in %s but its postmaster.pid is incomplete", c.dataDir)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return false, fmt.Errorf("a server is running in %s but its port is unreadable: %w", c.dataDir, err)
	}
	c.port = port
	if err := probe(ctx, c.url()); err != nil {
		return false, fmt.Errorf("a server is running in %s but does not answer on %s: %w", c.dataDir, c.url(), err)
	}
	c.log.Info("postgresql: adopted the server still running in the data dir", "data_dir", c.dataDir, "port", port)
	return true, nil
}

func (c *cluster) initdb(ctx context.Context, extra ...string) error {
	args := append([]string{"-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"}, extra...)
	if _, err := c.run(ctx, c.bins.initdb, args...); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	return nil
}

// startOnPort starts the server on c.port, or on a free port when c.port is 0, retrying with another free port
// when the one picked was taken in the meantime.
func (c *cluster) startOnPort(ctx context.Context, extraOpts string) error {
	fixed := c.port != 0
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if !fixed {
			if c.port, err = freePort(); err != nil {
				return err
			}
		}
		// Listen on loopback TCP only; no Unix socket, so no socket directory has to be writable by the server.
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories='' %s", c.port, extraOpts)
		_, err = c.run(ctx, c.bins.pgCtl, "start", "-D", c.dataDir, "-l", c.logFile, "-w", "-t",
			strconv.Itoa(startWaitSeconds(ctx)), "-o", opts)
		if err == nil {
			return nil
		}
		if fixed || ctx.Err() != nil || !strings.Contains(c.logTail(), "could not bind") {
			break
		}
	}
	return fmt.Errorf("pg_ctl start: %w; server log: %s", err, c.logTail())
}

// stop stops the server; a throwaway cluster is stopped at once and its directory removed.
func (c *cluster) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	mode := "fast"
	if c.throwaway {
		mode = "immediate"
	}
	var errs []error
	if _, err := c.run(ctx, c.bins.pgCtl, "stop", "-D", c.dataDir, "-m", mode, "-w"); err != nil {
		errs = append(errs, fmt.Errorf("pg_ctl stop: %w", err))
	}
	if c.throwaway {
		if err := os.RemoveAll(c.root); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w", c.root, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stopping private postgresql: %w", err)
	}
	return nil
}

// reapOrphans stops and removes throwaway clusters whose creating process is gone (killed before it could clean
// up). Failures are logged and otherwise ignored: the directories may belong to another user.
func (c *cluster) reapOrphans(ctx context.Context) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), throwawayPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // being created, or not ours to judge
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		orphan := *c
		orphan.dataDir = filepath.Join(dir, "data")
		if _, err := orphan.run(ctx, c.bins.pgCtl, "stop", "-D", orphan.dataDir, "-m", "immediate", "-w"); err != nil {
			c.log.Debug("postgresql: stopping orphaned throwaway cluster", "dir", dir, "err", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			c.log.Debug("postgresql: removing orphaned throwaway cluster", "dir", dir, "err", err)
			continue
		}
		c.log.Info("postgresql: removed orphaned throwaway cluster", "dir", dir)
	}
}

// resolveUser decides who runs the server: ourselves, or, when we are root, the postgres system user.
func (c *cluster) resolveUser() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root, the server must run as system user postgres, which is missing "+
			"(install the server with `apt-get install postgresql`): %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("reading ids of user postgres: %w", err)
	}
	runuser, err := lookRunuser()
	if err != nil {
		return err
	}
	c.runAs = &osUser{name: u.Username, uid: uid, gid: gid, runuser: runuser}
	return nil
}

func lookRunuser() (string, error) {
	if p, err := exec.LookPath("runuser"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser"} {
		if executable(p) {
			return p, nil
		}
	}
	return "", errors.New("running as root needs runuser (package util-linux) to start postgresql as user postgres")
}

func (c *cluster) chown(path string) error {
	if c.runAs == nil {
		return nil
	}
	if err := os.Chown(path, c.runAs.uid, c.runAs.gid); err != nil {
		return fmt.Errorf("handing %s to user %s: %w", path, c.runAs.name, err)
	}
	return nil
}

// run runs prog as the cluster's user and returns its combined output; a failure carries the output.
func (c *cluster) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if c.runAs != nil {
		cmd = exec.CommandContext(ctx, c.runAs.runuser, append([]string{"-u", c.runAs.name, "--", prog}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, prog, args...)
	}
	cmd.Dir = "/" // our working directory may be closed to the server's user
	cmd.Env = cleanEnv()
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", filepath.Base(prog), err, tail(out, 2000))
	}
	return out, nil
}

// cleanEnv is the environment without the PG* variables that could redirect the programs to another cluster.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

func (c *cluster) logTail() string {
	b, err := os.ReadFile(c.logFile)
	if err != nil {
		return "(no server log)"
	}
	return tail(b, 2000)
}

func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// startWaitSeconds is how long pg_ctl may wait for the server, within ctx's deadline.
func startWaitSeconds(ctx context.Context) int {
	d, ok := ctx.Deadline()
	if !ok {
		return int(DefaultStartTimeout / time.Second)
	}
	return max(1, int(time.Until(d)/time.Second))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("picking a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
