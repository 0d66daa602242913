package faultproxy

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
)

// Fault is what the proxy does to one request.
type Fault int

const (
	None          Fault = iota // forward it
	SlowDown                   // 503 SlowDown
	TooMany                    // 429 SlowDown
	InternalError              // 500 InternalError
	Reset                      // drop the connection with a TCP RST
	Delay                      // wait Config.Delay, then forward
)

func (f Fault) String() string {
	return [...]string{"none", "slowdown", "too-many-requests", "internal-error", "reset", "delay"}[f]
}

// Decider picks the fault for a request; called concurrently.
type Decider func(r *http.Request) Fault

// Script injects faults in order to the requests that match, then none.
func Script(match func(r *http.Request) bool, faults ...Fault) Decider {
	var mu sync.Mutex
	return func(r *http.Request) Fault {
		if match != nil && !match(r) {
			return None
		}
		mu.Lock()
		defer mu.Unlock()
		if len(faults) == 0 {
			return None
		}
		f := faults[0]
		faults = faults[1:]
		return f
	}
}

// Random injects each fault with its probability (they should sum to at
// most 1), from a seeded generator so that a failing run can be repeated.
func Random(seed uint64, probs map[Fault]float64) Decider {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed))
	order := []Fault{SlowDown, TooMany, InternalError, Reset, Delay}
	return func(*http.Request) Fault {
		mu.Lock()
		x := rng.Float64()
		mu.Unlock()
		for _, f := range order {
			if x < probs[f] {
				return f
			}
			x -= probs[f]
		}
		return None
	}
}

// While injects f into every request while on holds, and none otherwise: a
// store that is down, then back.
func While(on *atomic.Bool, f Fault) Decider {
	return func(*http.Request) Fault {
		if on.Load() {
			return f
		}
		return None
	}
}

// First asks each decider in turn and returns the first fault.
func First(ds ...Decider) Decider {
	return func(r *http.Request) Fault {
		for _, d := range ds {
			if f := d(r); f != None {
				return f
			}
		}
		return None
	}
}

// IsUploadPart matches S3 UploadPart requests.
func IsUploadPart(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Query().Has("partNumber")
}
