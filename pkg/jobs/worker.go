package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/messages"
)

// Stage names a pipeline stage and the subjects it consumes.
type Stage struct {
	Name    string // consumer name and event stage, e.g. messages.StageEncrypt
	Subject string // subject root, e.g. messages.SubjectEncrypt
}

// Config tunes a worker. Zero values take the defaults.
type Config struct {
	// Slots is how many jobs one replica handles at once (default 4).
	Slots int
	// MaxAckPending bounds the jobs in flight across every replica of the
	// stage (default 256). It is a consumer setting: the last replica to
	// start sets it.
	MaxAckPending int
	// AckWait is how long the server waits for an ack or heartbeat before
	// redelivering (default 2m). Heartbeats go every AckWait/3.
	AckWait time.Duration
	// MaxDeliver is how many deliveries a failing job gets before it is
	// dead-lettered (default 8).
	MaxDeliver int
	// RetryFor is how long a job whose attempts fail only by slowness
	// (time-outs, RetryAfter) keeps being retried past MaxDeliver, counted
	// from its publication (default 6h, the duplicate window): load alone
	// must not dead-letter a job.
	RetryFor time.Duration
	// Timeout is how long a handler may go without reporting progress
	// (Job.Progress) before it is cancelled and the attempt fails (default
	// 10m). A handler that never reports progress gets Timeout in all.
	Timeout time.Duration
	// Backoff paces redeliveries after failures.
	Backoff Backoff
	// ShutdownGrace is how long in-flight handlers may run after shutdown
	// starts before they are cancelled and their jobs handed back (default 30s).
	ShutdownGrace time.Duration
	// Prefetch is how many messages the client buffers ahead of free slots
	// (default Slots). Keep it small for long jobs: a buffered message's
	// AckWait is already running.
	Prefetch int
	Logger   *slog.Logger
	Tracer   trace.TracerProvider
	// Observer is told of every delivery and its outcome (metrics).
	Observer Observer
}

func (c Config) withDefaults() Config {
	if c.Slots <= 0 {
		c.Slots = 4
	}
	if c.MaxAckPending <= 0 {
		c.MaxAckPending = 256
	}
	if c.AckWait <= 0 {
		c.AckWait = 2 * time.Minute
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 8
	}
	if c.RetryFor <= 0 {
		c.RetryFor = 6 * time.Hour
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Minute
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 30 * time.Second
	}
	if c.Prefetch <= 0 {
		c.Prefetch = c.Slots
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Tracer == nil {
		c.Tracer = otel.GetTracerProvider()
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	return c
}

// Job is one delivery of a decoded message.
type Job[T messages.Message] struct {
	Msg       T
	Delivered uint64 // 1 on the first delivery
	Subject   string
	// Publisher publishes the next stage's jobs and events under the
	// delivery's trace.
	Publisher *Publisher
	progress  func()
}

// Progress tells the runtime the handler is moving (a part written, a
// chunk sent): it restarts the Config.Timeout watchdog. Safe to call from
// any goroutine, and on a Job built outside a worker (tests).
func (j *Job[T]) Progress() {
	if j.progress != nil {
		j.progress()
	}
}

// Handler does one stage's work for one job. See the package documentation
// for what its error means.
type Handler[T messages.Message] func(ctx context.Context, job *Job[T]) error

// JetStream is what a worker needs of a JetStream context.
type JetStream interface {
	MsgPublisher
	CreateOrUpdateConsumer(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error)
	Stream(ctx context.Context, name string) (jetstream.Stream, error)
}

// Worker consumes one stage.
type Worker[T messages.Message] struct {
	js      JetStream
	stage   Stage
	handler Handler[T]
	cfg     Config
	pub     *Publisher
	ledger  ledger
	// handling holds the stream sequences this replica is working on. A
	// consumer-leader failover can deliver a job again while the first
	// delivery still runs here; the repeat is left to the first one's ack.
	handling sync.Map
}

// NewWorker builds a worker; Run starts it.
func NewWorker[T messages.Message](js JetStream, stage Stage, h Handler[T], cfg Config) *Worker[T] {
	return &Worker[T]{js: js, stage: stage, handler: h, cfg: cfg.withDefaults(), pub: NewPublisher(js)}
}

// ConsumerConfig is the durable pull consumer of a stage. MaxDeliver is
// left unlimited on the server: the worker dead-letters itself, since a
// message the server stops delivering would sit in the WorkQueue forever.
func ConsumerConfig(stage Stage, cfg Config) jetstream.ConsumerConfig {
	cfg = cfg.withDefaults()
	return jetstream.ConsumerConfig{
		Durable:       stage.Name,
		Description:   "Arca " + stage.Name + " workers",
		FilterSubject: messages.Filter(stage.Subject),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: cfg.MaxAckPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}

// Run pulls and handles jobs until ctx is cancelled, then shuts down in
// order: stop pulling, hand back buffered messages, let in-flight handlers
// finish within ShutdownGrace, cancel the rest and hand their jobs back.
func (w *Worker[T]) Run(ctx context.Context) error {
	cons, err := w.js.CreateOrUpdateConsumer(ctx, messages.StreamJobs, ConsumerConfig(w.stage, w.cfg))
	if err != nil {
		return fmt.Errorf("worker %s: consumer: %w", w.stage.Name, err)
	}
	ls, err := w.js.Stream(ctx, LedgerStream)
	if err != nil {
		return fmt.Errorf("worker %s: ledger (run EnsureStreams first): %w", w.stage.Name, err)
	}
	w.ledger = ledger{stream: ls}
	it, err := cons.Messages(jetstream.PullMaxMessages(w.cfg.Prefetch))
	if err != nil {
		return fmt.Errorf("worker %s: pull: %w", w.stage.Name, err)
	}
	stopWatch := context.AfterFunc(ctx, it.Drain)
	defer stopWatch()

	// Handlers outlive ctx by up to ShutdownGrace.
	handlerCtx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	slots := make(chan struct{}, w.cfg.Slots)
	var inflight sync.WaitGroup

	for ctx.Err() == nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		msg, err := it.Next()
		if err != nil {
			<-slots
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				break
			}
			w.cfg.Logger.Warn("pull failed", "stage", w.stage.Name, "err", err)
			continue
		}
		if ctx.Err() != nil {
			w.handBack(msg)
			<-slots
			break
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			defer func() { <-slots }()
			w.deliver(handlerCtx, msg)
		}()
	}

	// Shutdown: nothing new starts; buffered messages go back at once.
	it.Drain()
	for {
		msg, err := it.Next()
		if err != nil {
			break
		}
		w.handBack(msg)
	}
	done := make(chan struct{})
	go func() { inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(w.cfg.ShutdownGrace):
		w.cfg.Logger.Warn("shutdown grace over, handing in-flight jobs back", "stage", w.stage.Name)
		cancelHandlers()
		<-done
	}
	return nil
}

// handBack returns a message for immediate redelivery to another replica.
func (w *Worker[T]) handBack(msg jetstream.Msg) {
	if err := msg.Nak(); err != nil {
		w.cfg.Logger.Warn("hand back failed; the job returns after AckWait", "stage", w.stage.Name, "err", err)
	}
}
