// Package temporaltest runs a real Temporal dev server (the CLI pinned in
// tools/go.mod) for integration tests, on free ports, in memory, with
// relance's search attributes registered.
//
// Tests that run in parallel on one server each take a namespace of their
// own (Server.Namespace): workers on relance's fixed task queues then see
// only their own test's workflows.
package temporaltest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Server is a running dev server.
type Server struct {
	Address string // host:port of the frontend
	cmd     *exec.Cmd
	args    []string // to restart it

	mu     sync.Mutex
	nsNext int // namespaces handed out so far
}

// launchNamespaces is how many namespaces the server creates as it starts
// (search attributes registered in each), ready for Namespace at once.
const launchNamespaces = 32

// nsName is the name of the i-th namespace of a server.
func nsName(i int) string { return fmt.Sprintf("relance-test-%02d", i) }

var (
	shared    *Server
	sharedErr error
	once      sync.Once
)

// Shared returns one server for the whole test binary, started on first
// use. Call Stop from TestMain after the tests run.
func Shared(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		t.Fatalf("temporal dev server: %v", sharedErr)
	}
	return shared
}

// StopShared stops the shared server if one was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Binary returns the path of the temporal CLI: $RELANCE_TEMPORAL_BIN, or
// .run/bin/temporal under the repository root, built from tools/go.mod if
// missing.
func Binary() (string, error) {
	if p := os.Getenv("RELANCE_TEMPORAL_BIN"); p != "" {
		return p, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, ".run", "bin", "temporal")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "build", "-modfile=tools/go.mod", "-o", bin, "github.com/temporalio/cli/cmd/temporal")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build temporal CLI: %v\n%s", err, out)
	}
	return bin, nil
}

// Start starts a dev server on free ports and waits until it answers.
func Start() (*Server, error) { return StartPersistent("") }

// StartPersistent starts a dev server keeping its state in the SQLite file
// dbFile ("" for memory), so that Restart finds its workflows and timers
// again (fault tests).
//
// The port is free when chosen but may be taken before the server binds
// it (another test's server, an outgoing connection's ephemeral port):
// a server that exits while starting is started again on another port.
func StartPersistent(dbFile string) (*Server, error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var port int
		if port, err = freePort(); err != nil {
			return nil, err
		}
		args := []string{"server", "start-dev", "--headless", "--ip", "127.0.0.1",
			"--port", fmt.Sprint(port), "--log-level", "error"}
		if dbFile != "" {
			args = append(args, "--db-filename", dbFile)
		}
		for _, sa := range dunning.SearchAttributeTypes {
			args = append(args, "--search-attribute", sa.Name+"="+sa.Type)
		}
		for i := 1; i <= launchNamespaces; i++ {
			args = append(args, "--namespace", nsName(i))
		}
		s := &Server{Address: fmt.Sprintf("127.0.0.1:%d", port), args: args}
		if err = s.start(); !errors.Is(err, errExited) {
			return s, err
		}
	}
	return nil, err
}

// errExited is a server that exited before it was ready.
var errExited = errors.New("temporal dev server exited while starting")

// Restart stops the server (SIGTERM) and starts it again on the same port
// and file. The port must stay the same (workers are dialled to it), so a
// server that exits while starting is started again after a pause: the dev
// server picks its internal ports as it starts and panics when one of them
// is taken meanwhile, which a busy machine does now and then.
func (s *Server) Restart() error {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.start(); !errors.Is(err, errExited) {
			return err
		}
		time.Sleep(time.Second)
	}
	return err
}

func (s *Server) start() error {
	bin, err := Binary()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, s.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	s.cmd = cmd
	exited := make(chan struct{})
	go func() {
		_, _ = cmd.Process.Wait() // reaps nothing Stop needs: Stop kills the group and waits again
		close(exited)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("%w (port %s)", errExited, s.Address)
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.Address})
		if err == nil {
			_, err = c.CheckHealth(context.Background(), &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("temporal dev server on %s not ready after 60s: %v", s.Address, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Client dials the server.
func (s *Server) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.Address})
	if err != nil {
		t.Fatalf("dial temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Namespace returns a namespace of the server that no other caller gets,
// with relance's search attributes registered: a test running in parallel
// with others on the same server dials its clients and workers there.
// The first namespaces exist from the start; later ones are registered on
// demand.
func (s *Server) Namespace(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	s.nsNext++
	i := s.nsNext
	s.mu.Unlock()
	name := nsName(i)
	if i <= launchNamespaces {
		return name
	}
	if err := s.register(name); err != nil {
		t.Fatalf("temporal namespace %s: %v", name, err)
	}
	return name
}

// register creates namespace name with relance's search attributes and
// waits until the server knows both.
func (s *Server) register(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	nc, err := client.NewNamespaceClient(client.Options{HostPort: s.Address})
	if err != nil {
		return err
	}
	defer nc.Close()
	retention := durationpb.New(24 * time.Hour)
	if err := nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: name, WorkflowExecutionRetentionPeriod: retention}); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	c, err := client.Dial(client.Options{HostPort: s.Address, Namespace: name})
	if err != nil {
		return err
	}
	defer c.Close()
	attrs := map[string]enumspb.IndexedValueType{}
	for _, sa := range dunning.SearchAttributeTypes {
		v, ok := enumspb.IndexedValueType_value["INDEXED_VALUE_TYPE_"+strings.ToUpper(sa.Type)]
		if !ok {
			return fmt.Errorf("search attribute %s: unknown type %s", sa.Name, sa.Type)
		}
		attrs[sa.Name] = enumspb.IndexedValueType(v)
	}
	for {
		_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: name, SearchAttributes: attrs})
		if err == nil {
			var got *operatorservice.ListSearchAttributesResponse
			got, err = c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: name})
			if err == nil && len(got.CustomAttributes) >= len(attrs) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("search attributes: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// Pid is the server process's ID (for CPU and memory readings).
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Stop kills the server and its children.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		_ = s.cmd.Wait()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repository root (with tools/go.mod) not found above the working directory")
		}
		dir = parent
	}
}
