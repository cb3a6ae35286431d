package actions

import (
	"context"
	"strings"
	"time"

	"github.com/relance/relance/ledger/store"
)

// The audit log has one writer, RecordAudit, for every door: the command
// line, the API, the web app and the customers' portal write the same
// columns with the same meaning.
//
//	actor    who asked: the token's name (API), the user's name (web
//	         app), cli:<login of the operating system> (command line),
//	         the customer's reference (portal)
//	role     the actor's role: viewer, operator, admin, customer; the
//	         command line's is "cli" (it acts with the database's rights)
//	action   the door, a colon, then the action's name: api:skip,
//	         web:skip, cli:skip, cli:ladder set, portal:answer-dispute
//	target   what it acts on: COMPANY/INVOICE, COMPANY/customer/CODE,
//	         token/NAME, source/NAME, COMPANY/exports/FILE, or the company
//	outcome  store.AuditOK, AuditRefused or AuditError
//	detail   free text: the reason, the payload's gist (at most
//	         MaxAuditDetail bytes)

// Door is the way an action came in.
type Door string

// The doors.
const (
	DoorAPI    Door = "api"
	DoorWeb    Door = "web"
	DoorCLI    Door = "cli"
	DoorPortal Door = "portal"
)

// RoleCLI is the role of the command line's audit rows.
const RoleCLI = "cli"

// MaxAuditDetail bounds an audit row's detail, in bytes.
const MaxAuditDetail = 2000

// auditTimeout bounds the audit row's write.
const auditTimeout = 10 * time.Second

// Audit is one action asked through a door, done or not.
type Audit struct {
	Door    Door
	At      time.Time // zero: the database's now
	Actor   string
	Role    string
	Action  string // the action's name, without the door
	Target  string
	Outcome string
	Detail  string
}

// AuditAction is the audit log's action of name asked through door.
func AuditAction(door Door, name string) string { return string(door) + ":" + name }

// RecordAudit writes a to the audit log of st. The row is written even
// when the request that asked for the action is cancelled (a client that
// went away), within auditTimeout.
func RecordAudit(ctx context.Context, st *store.Store, a Audit) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	detail := strings.ToValidUTF8(a.Detail, "?")
	if len(detail) > MaxAuditDetail {
		detail = strings.ToValidUTF8(detail[:MaxAuditDetail], "")
	}
	return st.RecordAudit(ctx, store.AuditEntry{
		At: a.At, Actor: a.Actor, Role: a.Role, Action: AuditAction(a.Door, a.Action), Target: a.Target,
		Outcome: a.Outcome, Detail: detail,
	})
}
