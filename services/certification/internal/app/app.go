// Package app holds the use cases of the certification service, one per
// file in command (changes) and query (reads), each with its authorisation
// rule. It sees the domain and the platform's auth and apperr packages only:
// no SQL, no NATS, no protobuf.
package app

import (
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
)

// Application is every use case of the service, built once by the
// composition root and shared by the ports.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change state.
type Commands struct {
	LoadCatalogue  command.LoadCatalogueHandler
	ImportTitle    command.ImportTitleHandler
	RecordHolder   command.RecordHolderHandler
	RecordResult   command.RecordResultHandler
	ValidateResult command.ValidateResultHandler
	ReturnResult   command.ReturnResultHandler
	Registers      command.RegistersHandler
	CpfDeposit     command.CpfDepositHandler
	Decisions      command.DecisionsHandler
}

// Queries read state.
type Queries struct {
	ListTitles        query.ListTitlesHandler
	GetTitle          query.GetTitleHandler
	GetRecord         query.GetRecordHandler
	ListResults       query.ListResultsHandler
	GetResult         query.GetResultHandler
	GetCertificate    query.GetCertificateHandler
	ListCertificates  query.ListCertificatesHandler
	VerifyCertificate query.VerifyCertificateHandler
	CertificateKeys   query.CertificateKeysHandler
	ResultSheet       query.ResultSheetHandler
	Parchment         query.ParchmentHandler
	Credentials       query.CredentialsHandler
	Registers         query.RegistersHandler
	Decisions         query.DecisionsHandler
}
