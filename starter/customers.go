package main

import (
	"context"
	"flag"
)

// runCustomer changes what governs a customer's dunning: the do-not-remind
// flag and the reminder status (seed 004). Inherited statuses and the flag
// reach every running dunning of the customer at once.
func runCustomer(ctx context.Context, e *env, args []string) error {
	fs := flags("customer")
	company := fs.String("company", "", "company code (required)")
	customer := fs.String("customer", "", "customer code (required)")
	actor := fs.String("actor", "", actorHelp)
	var dnr optionalBool
	fs.Var(&dnr, "do-not-remind", "on or off")
	status := fs.String("status", "", "reminder status code from the status table (CTX, NPR...); \"none\" clears it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || *customer == "" {
		return usageError{"customer: --company and --customer are required"}
	}
	if !dnr.set && *status == "" {
		return usageError{"customer: give --do-not-remind on|off or --status CODE"}
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	if dnr.set {
		told, err := o.SetDoNotRemind(ctx, *company, *customer, dnr.value, cliActor(*actor))
		if err != nil {
			return err
		}
		e.printf("customer %s: do-not-remind %v; %d running dunning(s) told\n", *customer, onOff(dnr.value), told)
	}
	if *status != "" {
		code := *status
		if code == "none" {
			code = ""
		}
		told, err := o.SetCustomerStatus(ctx, *company, *customer, code, cliActor(*actor))
		if err != nil {
			return err
		}
		e.printf("customer %s: status %q; %d running dunning(s) told\n", *customer, code, told)
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// optionalBool is a flag that takes on/off and remembers whether it was given.
type optionalBool struct{ set, value bool }

var _ flag.Value = (*optionalBool)(nil)

func (o *optionalBool) String() string { return onOff(o.value) }

func (o *optionalBool) Set(s string) error {
	switch s {
	case "on", "true", "yes", "1":
		o.set, o.value = true, true
	case "off", "false", "no", "0":
		o.set, o.value = true, false
	default:
		return usageError{"expected on or off, got " + s}
	}
	return nil
}
