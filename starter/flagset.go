package main

import (
	"errors"
	"flag"
	"fmt"
)

// flags returns a flag set that reports errors instead of exiting (the
// commands legacyCmd runs).
func flags(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// errHelp is returned by parse when the flags asked for help: the command
// stops there and dispatch answers success.
var errHelp = errors.New("help requested")

// parse parses a command's flags. On -h it returns errHelp (after the flag
// package printed the flags), so the command runs nothing.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
