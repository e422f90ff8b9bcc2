// Package app is the application layer of the assessment service: the use
// cases (package command for changes, package query for reads), each
// checking the caller's rights (package authz) before touching the domain.
package app

import (
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// Application groups the use cases the ports call.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change sessions and projections.
type Commands struct {
	CreateSession       command.CreateSessionHandler
	OpenSession         command.OpenSessionHandler
	UpdateSession       command.UpdateSessionHandler
	PostponeSession     command.PostponeSessionHandler
	CancelSession       command.CancelSessionHandler
	AddJuror            command.AddJurorHandler
	RemoveJuror         command.RemoveJurorHandler
	DeclareJurorLinks   command.DeclareLinksHandler
	CreateCandidacy     command.CreateCandidacyHandler
	UpdateEvaluation    command.UpdateEvaluationHandler
	DeliberateCandidacy command.DeliberateCandidacyHandler
	SignMinutes         command.SignMinutesHandler
	WithdrawCandidacy   command.WithdrawCandidacyHandler
	TransferCandidacy   command.TransferCandidacyHandler
	RecordAttendance    command.RecordAttendanceHandler
	RecordAdjustment    command.RecordAdjustmentHandler
	RecordECFResults    command.RecordECFResultsHandler
	ReportFraud         command.ReportFraudHandler

	// Fed by other contexts' events.
	AttachDossier    command.AttachDossierHandler
	ProjectTitle     command.ProjectTitleHandler
	ProjectCandidate command.ProjectCandidateHandler
	ReopenMinutes    command.ReopenMinutesHandler
	ProjectRegister  command.ProjectRegisterHandler
}

// Queries read sessions.
type Queries struct {
	SessionByID     query.SessionByIDHandler
	ListSessions    query.ListSessionsHandler
	ListJurors      query.ListJurorsHandler
	CandidacyByID   query.CandidacyByIDHandler
	ListCandidacies query.ListCandidaciesHandler
	EvaluationOf    query.EvaluationOfHandler
	SessionProgress query.SessionProgressHandler
	MinutesVersions query.MinutesVersionsHandler
	FraudReports    query.FraudReportsHandler
}

// Deps are what the use cases need.
type Deps struct {
	Sessions   session.Repository
	Pairs      session.PairRepository // transfers: two sessions in one transaction
	History    eligibility.History    // a candidate's candidacies (R6, R28, R31, R32)
	Titles     command.TitleCatalogue
	Candidates command.CandidateDirectory
	Registers  command.Registers
	Hasher     minutes.Hasher
	Now        func() time.Time
	// Minutes reads the signed minutes versions (R51), Printer prints them.
	Minutes query.MinutesArchive
	Printer query.MinutesPrinter
}

// New wires the use cases.
func New(d Deps) Application {
	return Application{
		Commands: Commands{
			CreateSession:       command.NewCreateSessionHandler(d.Sessions, d.Titles, d.Registers, d.Now),
			OpenSession:         command.NewOpenSessionHandler(d.Sessions, d.Registers, d.Now),
			UpdateSession:       command.NewUpdateSessionHandler(d.Sessions, d.Titles, d.Candidates, d.Registers, d.History, d.Now),
			PostponeSession:     command.NewPostponeSessionHandler(d.Sessions, d.Titles, d.Candidates, d.Registers, d.History, d.Now),
			CancelSession:       command.NewCancelSessionHandler(d.Sessions, d.Now),
			AddJuror:            command.NewAddJurorHandler(d.Sessions, d.Registers, d.Now),
			RemoveJuror:         command.NewRemoveJurorHandler(d.Sessions, d.Now),
			DeclareJurorLinks:   command.NewDeclareLinksHandler(d.Sessions, d.Now),
			CreateCandidacy:     command.NewCreateCandidacyHandler(d.Sessions, d.Titles, d.Candidates, d.History, d.Now),
			UpdateEvaluation:    command.NewUpdateEvaluationHandler(d.Sessions, d.Titles, d.Now),
			DeliberateCandidacy: command.NewDeliberateCandidacyHandler(d.Sessions, d.Titles, d.Now),
			SignMinutes:         command.NewSignMinutesHandler(d.Sessions, d.Hasher, d.Now),
			WithdrawCandidacy:   command.NewWithdrawCandidacyHandler(d.Sessions, d.Now),
			TransferCandidacy:   command.NewTransferCandidacyHandler(d.Sessions, d.Pairs, d.Titles, d.Candidates, d.History, d.Now),
			RecordAttendance:    command.NewRecordAttendanceHandler(d.Sessions, d.Titles, d.Now),
			RecordAdjustment:    command.NewRecordAdjustmentHandler(d.Sessions, d.Titles, d.Now),
			RecordECFResults:    command.NewRecordECFResultsHandler(d.Sessions, d.Now),
			ReportFraud:         command.NewReportFraudHandler(d.Sessions, d.Now),
			AttachDossier:       command.NewAttachDossierHandler(d.Now),
			ProjectTitle:        command.NewProjectTitleHandler(),
			ProjectCandidate:    command.NewProjectCandidateHandler(d.Now),
			ReopenMinutes:       command.NewReopenMinutesHandler(d.Hasher, d.Now),
			ProjectRegister:     command.NewProjectRegisterHandler(),
		},
		Queries: Queries{
			SessionByID:     query.NewSessionByIDHandler(d.Sessions),
			ListSessions:    query.NewListSessionsHandler(d.Sessions),
			ListJurors:      query.NewListJurorsHandler(d.Sessions),
			CandidacyByID:   query.NewCandidacyByIDHandler(d.Sessions),
			ListCandidacies: query.NewListCandidaciesHandler(d.Sessions),
			EvaluationOf:    query.NewEvaluationOfHandler(d.Sessions, d.Titles),
			SessionProgress: query.NewSessionProgressHandler(d.Sessions, d.Titles),
			MinutesVersions: query.NewMinutesVersionsHandler(d.Sessions, d.Minutes, d.Hasher, d.Printer, d.Now),
			FraudReports:    query.NewFraudReportsHandler(d.Sessions),
		},
	}
}
