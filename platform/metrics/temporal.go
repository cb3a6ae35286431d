package metrics

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// Temporal returns a client.MetricsHandler that records the Temporal SDK's
// own metrics (workflow and activity task latencies, poll results, sticky
// cache, request failures...) on Registry. Pass it as
// client.Options.MetricsHandler of every client a process dials.
//
// The SDK gives each metric different tag sets depending on where it is
// emitted; Prometheus wants one label set per metric name. The adapter
// keeps every series and, when it is scraped, gives each metric the union
// of its tag names, with an empty value where a series lacks one (which
// Prometheus reads as the label being absent). Timers are exported as
// summaries in seconds (count and sum), counters as counters, gauges as
// gauges.
func Temporal() client.MetricsHandler { return temporalHandler{c: temporalSDK, tags: nil} }

// temporalSDK is the single collector behind every handler.
var temporalSDK = newSDKCollector()

func init() { Registry.MustRegister(temporalSDK) }

type kind int

const (
	counterKind kind = iota
	gaugeKind
	timerKind
)

// series is one metric name with one tag set.
type series struct {
	tags       map[string]string
	value      float64 // counter total or gauge value; timer sum in seconds
	count      uint64  // timer observations
	kind       kind
	metricName string
}

type sdkCollector struct {
	mu     sync.Mutex
	series map[string]*series // by name and sorted tags
}

func newSDKCollector() *sdkCollector { return &sdkCollector{series: map[string]*series{}} }

func seriesKey(name string, tags map[string]string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		b.WriteString("\x00" + k + "=" + tags[k])
	}
	return b.String()
}

func (c *sdkCollector) get(name string, k kind, tags map[string]string) *series {
	key := seriesKey(name, tags)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.series[key]
	if !ok {
		s = &series{tags: tags, kind: k, metricName: name}
		c.series[key] = s
	}
	return s
}

func (c *sdkCollector) add(s *series, v float64, observations uint64, set bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if set {
		s.value = v
		return
	}
	s.value += v
	s.count += observations
}

// Describe sends nothing: the metrics are only known once the SDK emits
// them (an unchecked collector).
func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {}

// Collect exports every series, each metric name with the union of its
// tag names.
func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	byName := map[string][]*series{}
	for _, s := range c.series {
		byName[s.metricName] = append(byName[s.metricName], s)
	}
	for name, list := range byName {
		labelSet := map[string]bool{}
		k := list[0].kind
		for _, s := range list {
			for l := range s.tags {
				labelSet[l] = true
			}
		}
		labels := slices.Sorted(maps.Keys(labelSet))
		promName := promSafe(name)
		if k == timerKind {
			promName += "_seconds"
		}
		desc := prometheus.NewDesc(promName, "Temporal SDK metric "+name+".", labels, nil)
		for _, s := range list {
			if s.kind != k {
				continue // one name, one kind
			}
			values := make([]string, len(labels))
			for i, l := range labels {
				values[i] = s.tags[l]
			}
			var m prometheus.Metric
			var err error
			switch k {
			case counterKind:
				m, err = prometheus.NewConstMetric(desc, prometheus.CounterValue, s.value, values...)
			case gaugeKind:
				m, err = prometheus.NewConstMetric(desc, prometheus.GaugeValue, s.value, values...)
			case timerKind:
				m, err = prometheus.NewConstSummary(desc, s.count, s.value, nil, values...)
			}
			if err == nil {
				ch <- m
			}
		}
	}
}

// promSafe turns an SDK metric name into a Prometheus one.
func promSafe(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == ':' {
			return r
		}
		return '_'
	}, name)
}

// temporalHandler is the client.MetricsHandler with a set of tags.
type temporalHandler struct {
	c    *sdkCollector
	tags map[string]string
}

func (h temporalHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, v := range tags {
		merged[promSafe(k)] = v
	}
	return temporalHandler{c: h.c, tags: merged}
}

func (h temporalHandler) Counter(name string) client.MetricsCounter {
	s := h.c.get(name, counterKind, h.tags)
	return counterFunc(func(d int64) { h.c.add(s, float64(d), 0, false) })
}

func (h temporalHandler) Gauge(name string) client.MetricsGauge {
	s := h.c.get(name, gaugeKind, h.tags)
	return gaugeFunc(func(v float64) { h.c.add(s, v, 0, true) })
}

func (h temporalHandler) Timer(name string) client.MetricsTimer {
	s := h.c.get(name, timerKind, h.tags)
	return timerFunc(func(d time.Duration) { h.c.add(s, d.Seconds(), 1, false) })
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
