package workers

import (
	"testing"

	"github.com/relance/relance/domain/dunning"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name      string
		cpus      int
		memory    int64
		wantCache int
		wantConns int
	}{
		{"two cores, default budget", 2, DefaultMaxMemory, int(DefaultMaxMemory / 3 / CachedWorkflowBytes), 16 + 8 + 4},
		{"tiny memory keeps a floor", 1, 8 << 20, minStickyCache, 8 + 4 + 4},
		{"large memory and many cores are capped", 16, 64 << 30, maxStickyCache, MaxDBConns},
		{"zero cpus counts as one", 0, DefaultMaxMemory, int(DefaultMaxMemory / 3 / CachedWorkflowBytes), 8 + 4 + 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Plan(tt.cpus, tt.memory)
			if s.StickyCache != tt.wantCache {
				t.Errorf("sticky cache = %d, want %d", s.StickyCache, tt.wantCache)
			}
			if s.DBConns != tt.wantConns {
				t.Errorf("db conns = %d, want %d", s.DBConns, tt.wantConns)
			}
			if s.DBConns < s.Invoices.ActivitySlots+s.Letters.ActivitySlots {
				t.Errorf("fewer connections (%d) than activity slots", s.DBConns)
			}
			if s.Invoices.Name != dunning.TaskQueue || s.Letters.Name != dunning.LetterTaskQueue {
				t.Errorf("queues = %s, %s", s.Invoices.Name, s.Letters.Name)
			}
			o := s.Invoices.Options()
			if o.MaxConcurrentActivityExecutionSize != s.Invoices.ActivitySlots || o.MaxConcurrentWorkflowTaskPollers < 2 ||
				o.StickyScheduleToStartTimeout != StickyScheduleToStart {
				t.Errorf("options = %+v", o)
			}
		})
	}
}
