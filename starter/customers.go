package main

import (
	"context"
)

// customerCmd is `starter customer`: what governs a customer's dunning,
// the do-not-remind flag and the reminder status (seed 004). Inherited
// statuses and the flag reach every running dunning of the customer at
// once.
type customerCmd struct {
	companyFlag
	Customer    string `required:"" placeholder:"CODE" help:"customer code"`
	DoNotRemind string `name:"do-not-remind" placeholder:"on|off" help:"on or off"`
	Status      string `help:"reminder status code from the status table (CTX, NPR...); \"none\" clears it"`
	Actor       string `help:"${actorHelp}"`
}

// Run sets the flag and/or the status.
func (c *customerCmd) Run(ctx context.Context, e *env) error {
	if c.DoNotRemind == "" && c.Status == "" {
		return usageError{"customer: give --do-not-remind on|off or --status CODE"}
	}
	var on bool
	switch c.DoNotRemind {
	case "", "off", "false", "no", "0":
	case "on", "true", "yes", "1":
		on = true
	default:
		return usageError{"customer: --do-not-remind: expected on or off, got " + c.DoNotRemind}
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	if c.DoNotRemind != "" {
		told, err := o.SetDoNotRemind(ctx, c.Company, c.Customer, on, cliActor(c.Actor))
		if err != nil {
			return err
		}
		e.printf("customer %s: do-not-remind %v; %d running dunning(s) told\n", c.Customer, onOff(on), told)
	}
	if c.Status != "" {
		code := c.Status
		if code == "none" {
			code = ""
		}
		told, err := o.SetCustomerStatus(ctx, c.Company, c.Customer, code, cliActor(c.Actor))
		if err != nil {
			return err
		}
		e.printf("customer %s: status %q; %d running dunning(s) told\n", c.Customer, code, told)
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
