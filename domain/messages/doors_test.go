package messages_test

import (
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/doors/actions"
)

// The doors' application layer declares codes too (the invoice filter).
var _ = []messages.Code{actions.FilterUnknown}
