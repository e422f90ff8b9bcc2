package web

import (
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Message is a service's refusal as a person reads it: what happened,
// what to do, the rule that refused, and what is wrong with each field.
type Message struct {
	Title, Detail, Rule string
	Fields              map[string]string
}

// describe is the one place where a service's error becomes a Message.
//
// TEMPORARY: until gateway/web/messages (French sentences for every reason)
// lands, it gives a French title and advice per gRPC code and shows the
// service's reason and message as they are. Swap its body for
// messages.ForError(err) then. Only statuses with details are the
// services' answers meant for clients; any other status (transport,
// internal) gives the generic text alone.
func describe(err error) Message {
	st, ok := status.FromError(err)
	if !ok {
		return Message{Title: "Erreur du serveur", Detail: internalErrorDetail}
	}
	m := Message{Title: "Demande refusée", Detail: "La demande n’a pas pu aboutir."}
	switch st.Code() {
	case codes.InvalidArgument, codes.OutOfRange:
		m.Title, m.Detail = "Saisie incorrecte", "Certaines informations ne sont pas valables : corrigez-les puis envoyez à nouveau."
	case codes.NotFound:
		m.Title, m.Detail = "Introuvable", "Ce que vous cherchez n’existe pas, ou vous n’y avez pas accès."
	case codes.PermissionDenied:
		m.Title, m.Detail = "Accès refusé", "Votre profil ne permet pas cette action."
	case codes.FailedPrecondition:
		m.Title, m.Detail = "Action impossible pour le moment", "Une règle empêche cette action dans l’état actuel du dossier."
	case codes.Aborted, codes.AlreadyExists:
		m.Title, m.Detail = "Modification concurrente", "Quelqu’un a modifié ces informations entre-temps. Rechargez la page pour voir la dernière version."
	case codes.ResourceExhausted:
		m.Title, m.Detail = "Trop de demandes", "Trop de demandes ont été envoyées, ou le contenu est trop volumineux. Réessayez plus tard."
	case codes.Unavailable, codes.DeadlineExceeded:
		m.Title, m.Detail = "Service indisponible", "Un service de titrepro ne répond pas pour le moment. Réessayez dans quelques minutes."
	case codes.Unauthenticated:
		m.Title, m.Detail = "Session expirée", "Connectez-vous à nouveau."
	case codes.Internal, codes.Unknown, codes.DataLoss:
		return Message{Title: "Erreur du serveur", Detail: internalErrorDetail}
	}
	if len(st.Details()) == 0 {
		return m
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			m.Rule = d.GetReason() + " — " + st.Message()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				if m.Fields == nil {
					m.Fields = map[string]string{}
				}
				m.Fields[v.GetField()] = v.GetDescription()
			}
		}
	}
	return m
}
