package web

import (
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// liveBackend is the stack (stack_test.go) as the centre's tests use it:
// the centre's screens drive the services, and the helpers of
// centre_helpers_test.go play the other people of the workflow.
type liveBackend struct {
	*stack
	probe string // a planned session of probeCentre that jurors join to show the assessment service knows them
}

// startLiveBackend starts the stack and waits until the assessment service
// knows TP-00495: it plans sessions only for titles it has learnt from the
// catalogue's events.
func startLiveBackend(t testing.TB) *liveBackend {
	t.Helper()
	b := &liveBackend{stack: startStack(t)}
	b.waitForTitle(t)
	return b
}

// waitForTitle waits until the assessment service knows the latest version
// of TP-00495: a session planned for it is then not refused with
// TITLE_UNKNOWN. It asks with a session that plans nothing: a CCP the
// title does not have is refused with INVALID_ARGUMENT once the title is
// known, TITLE_UNKNOWN before.
func (b *liveBackend) waitForTitle(t testing.TB) {
	t.Helper()
	title := b.title(t)
	probe := auth.Principal{Subject: "probe", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-PROBE"}
	svctest.Eventually(t, "the assessment service knows "+title.GetId(), func() error {
		_, err := b.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
			CcpCodes: []string{"NO-SUCH-CCP"}, Site: "probe", StartDate: "2030-01-01", EndDate: "2030-01-01",
		}}, b.as(t, probe))
		if centreReason(err) == "TITLE_UNKNOWN" {
			return err
		}
		return nil
	})
}
