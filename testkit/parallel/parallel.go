// Package parallel lets a test package whose tests mostly wait (on demo
// days, Temporal timers, a browser, the SES emulator) run more of its
// parallel tests at once than go test's default, which is GOMAXPROCS: two
// on a two-core machine, where waiting tests would otherwise queue behind
// each other's sleeps.
package parallel

import (
	"flag"
	"strconv"
)

// Default sets -test.parallel to n unless the command line set it. Call
// it from TestMain before m.Run.
func Default(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			set = true
		}
	})
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
