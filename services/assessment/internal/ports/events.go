package ports

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/app"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// Durable names of the consumers: persisted inbox keys, granted by name on
// the bus (natsauth). Never rename one.
const (
	// TitlesDurable follows the catalogue into the title projection.
	TitlesDurable = "assessment_titles"
	// CandidatesDurable follows the candidates into the candidate projection.
	CandidatesDurable = "assessment_candidates"
	// DossiersDurable attaches submitted dossiers to candidacies (R34).
	DossiersDurable = "assessment_dossiers"
	// ReturnsDurable reopens sessions whose minutes the ministry returned
	// (R51).
	ReturnsDurable = "assessment_returns"
	// RegistersDurable follows the ministry's registers (agréments, juror
	// register, charte) into their projection (R8, R16, R20, R23).
	RegistersDurable = "assessment_registers"
)

// Repos are the repositories a consumer writes through, bound to the
// transaction in which eventbus records the event in its inbox, so that the
// change and the inbox row commit together.
type Repos struct {
	Sessions   session.Repository
	Titles     title.Repository
	Candidates candidate.Repository
	Registers  register.Repository
}

// Consumers feed the events of other contexts to the application.
type Consumers struct {
	commands app.Commands
	repos    func(tx *sqldb.Tx) Repos
	log      *slog.Logger
	now      func() time.Time
}

// NewConsumers returns the consumers; repos binds the repositories to a
// transaction.
func NewConsumers(commands app.Commands, repos func(tx *sqldb.Tx) Repos, log *slog.Logger, now func() time.Time) *Consumers {
	return &Consumers{commands: commands, repos: repos, log: log, now: now}
}

// All returns the consumers, for eventbus.SubscribeAll: each durable with
// the events it follows and its handler.
func (c *Consumers) All() []eventbus.Consumer {
	return []eventbus.Consumer{
		{Durable: TitlesDurable, Events: []proto.Message{&certificationv1.TitleVersionPublished{}}, Handle: c.HandleTitle},
		{Durable: CandidatesDurable, Events: []proto.Message{
			&candidatev1.CandidateRegistered{}, &candidatev1.CandidateUpdated{}, &candidatev1.SanctionPronounced{},
		}, Handle: c.HandleCandidate},
		{Durable: DossiersDurable, Events: []proto.Message{&portfoliov1.DossierSubmitted{}}, Handle: c.HandleDossier},
		{Durable: ReturnsDurable, Events: []proto.Message{&certificationv1.MinutesReturned{}}, Handle: c.HandleReturn},
		{Durable: RegistersDurable, Events: []proto.Message{
			&certificationv1.AgrementGranted{}, &certificationv1.AgrementWithdrawn{},
			&certificationv1.HabilitationGranted{}, &certificationv1.HabilitationWithdrawn{},
			&certificationv1.JurorCharterAccepted{},
		}, Handle: c.HandleRegister},
	}
}

// HandleTitle is the eventbus.Handler of TitleVersionPublished.
func (c *Consumers) HandleTitle(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var ev certificationv1.TitleVersionPublished
	if err := eventbus.Decode(msg, &ev); err != nil {
		return err
	}
	t := protoconv.TitleFromProto(ev.GetTitle())
	stored, err := c.commands.ProjectTitle.Handle(ctx, c.repos(tx).Titles, t)
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "title version projected", "title_id", t.ID, "title_version", t.Version, "new", stored)
	return nil
}

// HandleCandidate is the eventbus.Handler of CandidateRegistered,
// CandidateUpdated and SanctionPronounced (HandleSanction).
func (c *Consumers) HandleCandidate(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var person candidate.Candidate
	switch {
	case eventbus.Is(msg, &candidatev1.SanctionPronounced{}):
		return c.HandleSanction(ctx, tx, msg)
	case eventbus.Is(msg, &candidatev1.CandidateRegistered{}):
		var ev candidatev1.CandidateRegistered
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		person = protoconv.CandidateFromProto(ev.GetCandidate(), ev.GetVersion())
	case eventbus.Is(msg, &candidatev1.CandidateUpdated{}):
		var ev candidatev1.CandidateUpdated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		person = protoconv.CandidateFromProto(ev.GetCandidate(), ev.GetVersion())
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	r := c.repos(tx)
	applied, err := c.commands.ProjectCandidate.Handle(ctx, r.Candidates, r.Sessions, person)
	if err != nil {
		return err
	}
	if !applied {
		c.log.InfoContext(ctx, "candidate event ignored: a later version is known", "event_id", msg.ID,
			"candidate_id", person.ID, "version", person.Version)
	}
	return nil
}

// HandleSanction handles SanctionPronounced (R58): a ban is kept in the
// candidate projection, so that registrations during it are refused; an
// exclusion from a session blocks nothing else and is only logged.
func (c *Consumers) HandleSanction(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var ev candidatev1.SanctionPronounced
	if err := eventbus.Decode(msg, &ev); err != nil {
		return err
	}
	s := ev.GetSanction()
	if s.GetKind() != candidatev1.SanctionKind_SANCTION_KIND_BAN {
		c.log.InfoContext(ctx, "sanction without ban: nothing to project", "event_id", msg.ID,
			"candidate_id", s.GetCandidateId(), "sanction_id", s.GetSanctionId(), "kind", s.GetKind().String())
		return nil
	}
	b, err := protoconv.BanFromProto(s)
	if err != nil {
		return err
	}
	stored, err := c.commands.ProjectCandidate.Ban(ctx, c.repos(tx).Candidates, b)
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "ban projected", "event_id", msg.ID, "candidate_id", b.CandidateID,
		"sanction_id", b.SanctionID, "until", b.Until.String(), "new", stored)
	return nil
}

// HandleDossier is the eventbus.Handler of DossierSubmitted. A submission
// for a session or candidacy this service does not know is logged and
// acknowledged: it can never apply.
func (c *Consumers) HandleDossier(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var ev portfoliov1.DossierSubmitted
	if err := eventbus.Decode(msg, &ev); err != nil {
		return err
	}
	at := msg.Time
	if at.IsZero() {
		at = c.now()
	}
	sessionID, sub := protoconv.SubmissionFromProto(&ev, at)
	applied, err := c.commands.AttachDossier.Handle(ctx, c.repos(tx).Sessions, command.AttachDossier{SessionID: sessionID, Submission: sub})
	if errors.Is(err, session.ErrNotFound) || errors.Is(err, session.ErrCandidacyNotFound) {
		c.log.WarnContext(ctx, "dossier submitted for no known candidacy", "event_id", msg.ID, "session_id", sessionID,
			"candidacy_id", sub.CandidacyID, "candidate_id", sub.CandidateID, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "dossier submission handled", "event_id", msg.ID, "session_id", sessionID,
		"candidate_id", sub.CandidateID, "snapshot_id", sub.Dossier.SnapshotID, "attached", applied)
	return nil
}

// HandleReturn is the eventbus.Handler of MinutesReturned: the session is
// reopened for the candidacies the ministry cites (R51). A return already
// applied changes nothing; a return of minutes this service does not have
// can never apply and is refused (the bus terminates it and logs it).
func (c *Consumers) HandleReturn(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var ev certificationv1.MinutesReturned
	if err := eventbus.Decode(msg, &ev); err != nil {
		return err
	}
	sessionID, r := protoconv.ReturnFromProto(&ev)
	applied, err := c.commands.ReopenMinutes.Handle(ctx, c.repos(tx).Sessions, command.ReopenMinutes{SessionID: sessionID, Return: r})
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "minutes return handled", "event_id", msg.ID, "session_id", sessionID,
		"minutes_version", r.Version, "candidacies", len(r.CandidacyIDs), "reopened", applied)
	return nil
}

// HandleRegister is the eventbus.Handler of the ministry's registers:
// AgrementGranted, AgrementWithdrawn, HabilitationGranted,
// HabilitationWithdrawn and JurorCharterAccepted. An entry older than the
// one stored is ignored.
func (c *Consumers) HandleRegister(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	repo, project := c.repos(tx).Registers, c.commands.ProjectRegister
	var (
		applied bool
		err     error
		what    string
	)
	switch {
	case eventbus.Is(msg, &certificationv1.AgrementGranted{}):
		var ev certificationv1.AgrementGranted
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		what = "agrements/" + ev.GetAgrement().GetId()
		applied, err = project.Agrement(ctx, repo, protoconv.AgrementFromProto(ev.GetAgrement()))
	case eventbus.Is(msg, &certificationv1.AgrementWithdrawn{}):
		var ev certificationv1.AgrementWithdrawn
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		what = "agrements/" + ev.GetAgrement().GetId()
		applied, err = project.Agrement(ctx, repo, protoconv.AgrementFromProto(ev.GetAgrement()))
	case eventbus.Is(msg, &certificationv1.HabilitationGranted{}):
		var ev certificationv1.HabilitationGranted
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		what = "habilitations/" + ev.GetHabilitation().GetNumber()
		applied, err = project.Habilitation(ctx, repo, protoconv.HabilitationFromProto(ev.GetHabilitation()))
	case eventbus.Is(msg, &certificationv1.HabilitationWithdrawn{}):
		var ev certificationv1.HabilitationWithdrawn
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		what = "habilitations/" + ev.GetHabilitation().GetNumber()
		applied, err = project.Habilitation(ctx, repo, protoconv.HabilitationFromProto(ev.GetHabilitation()))
	case eventbus.Is(msg, &certificationv1.JurorCharterAccepted{}):
		var ev certificationv1.JurorCharterAccepted
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		what = "jurors/" + ev.GetAcceptance().GetJurorSubject()
		applied, err = project.Charter(ctx, repo, protoconv.CharterFromProto(ev.GetAcceptance()))
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "register entry projected", "event_id", msg.ID, "type", msg.Type, "entry", what, "applied", applied)
	return nil
}
