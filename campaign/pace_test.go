package campaign

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps advance it at once.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	return ctx.Err()
}

// TestPacerWindows checks the write pacing GitHub asks for: starts at
// least the interval after the previous request ended, and never more than
// a window's worth in any span.
func TestPacerWindows(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		windows  []window
		requests int
		took     time.Duration // each request's duration
		// minGap is the least time between one end and the next start;
		// maxIn bounds the starts within any span of spanOf.
		spanOf time.Duration
		maxIn  int
		// last is when the last request starts: the pacing is a bound,
		// not a crawl.
		last time.Duration
	}{
		{"one a second", time.Second, nil, 10, 200 * time.Millisecond, time.Minute, 60, 9 * 1200 * time.Millisecond},
		{"80 a minute without an interval", time.Millisecond, []window{{time.Minute, 80}}, 200, 0, time.Minute, 80, 2 * time.Minute},
		// Requests 1000 to 1199 start in the third hour, 80 a minute.
		{"500 an hour", 0, []window{{time.Minute, 80}, {time.Hour, 500}}, 1200, time.Millisecond, time.Hour, 500, 2*time.Hour + 2*time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
			p := newPacer(tt.interval, tt.windows...)
			p.now, p.sleep = clk.now, clk.sleep
			var starts, ends []time.Time
			for range tt.requests {
				release, err := p.wait(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				starts = append(starts, clk.t)
				clk.t = clk.t.Add(tt.took)
				ends = append(ends, clk.t)
				release()
			}
			for i := 1; i < len(starts); i++ {
				if gap := starts[i].Sub(ends[i-1]); gap < tt.interval {
					t.Fatalf("request %d started %s after the previous one ended, want >= %s", i, gap, tt.interval)
				}
			}
			for i := range starts {
				n := 0
				for j := i; j < len(starts) && starts[j].Sub(starts[i]) < tt.spanOf; j++ {
					n++
				}
				if n > tt.maxIn {
					t.Fatalf("%d requests started within %s of request %d, want <= %d", n, tt.spanOf, i, tt.maxIn)
				}
			}
			total := starts[len(starts)-1].Sub(starts[0])
			if total < tt.last || total > tt.last+time.Second {
				t.Errorf("the last of %d requests started after %s, want %s", tt.requests, total, tt.last)
			}
		})
	}
}

// TestPacerCancel: a wait ends when the context does.
func TestPacerCancel(t *testing.T) {
	p := newPacer(time.Hour)
	release, err := p.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := p.wait(ctx); err == nil {
		t.Fatal("wait succeeded an hour early")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelled wait took %s", d)
	}
}
