package campaign

import (
	"context"
	"sync"
	"time"
)

// pacer spaces one kind of request: each starts at least interval after
// the previous one ended, and no more than the windows allow start within
// any span of time (80 a minute, 500 an hour for GitHub's content
// creation). Holding it serialises the requests.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	windows  []window
	starts   []time.Time // within the longest window, oldest first
	last     time.Time   // when the previous request ended
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

// window allows at most max requests to start within span.
type window struct {
	span time.Duration
	max  int
}

func newPacer(interval time.Duration, windows ...window) *pacer {
	var ws []window
	for _, w := range windows {
		if w.max > 0 && w.span > 0 {
			ws = append(ws, w)
		}
	}
	return &pacer{interval: interval, windows: ws, now: time.Now, sleep: sleepCtx}
}

// wait blocks until a request may start, then holds the pacer until the
// returned release is called, when the request has ended.
func (p *pacer) wait(ctx context.Context) (release func(), err error) {
	p.mu.Lock()
	for {
		d := p.delay(p.now())
		if d <= 0 {
			break
		}
		if err := p.sleep(ctx, d); err != nil {
			p.mu.Unlock()
			return nil, err
		}
	}
	p.starts = append(p.starts, p.now())
	return func() {
		p.last = p.now()
		p.mu.Unlock()
	}, nil
}

// delay is how long a request starting at now must still wait.
func (p *pacer) delay(now time.Time) time.Duration {
	var d time.Duration
	if !p.last.IsZero() {
		d = p.last.Add(p.interval).Sub(now)
	}
	longest := time.Duration(0)
	for _, w := range p.windows {
		longest = max(longest, w.span)
	}
	// Forget starts older than every window.
	i := 0
	for i < len(p.starts) && now.Sub(p.starts[i]) >= longest {
		i++
	}
	p.starts = p.starts[i:]
	for _, w := range p.windows {
		n := 0
		for _, t := range p.starts {
			if now.Sub(t) < w.span {
				n++
			}
		}
		if n >= w.max {
			// Wait until the oldest start in the window leaves it.
			oldest := p.starts[len(p.starts)-n]
			d = max(d, oldest.Add(w.span).Sub(now))
		}
	}
	return d
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
