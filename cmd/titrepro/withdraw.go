package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
)

const withdrawUsage = "usage: titrepro withdraw NUMBER --motivation TEXT --reference REF [--date YYYY-MM-DD] [--ccp CODE] [--token T] [--url URL]"

// withdraw handles `titrepro withdraw NUMBER …`: the territorial
// authority's motivated decision withdrawing a certificate, or one of its
// CCPs with --ccp, after a fraud (R59), through the running server's API as
// the ministry. --date defaults to today in France. It prints the
// certificates the decision withdrew.
func withdraw(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	var motivation, reference, date, ccp string
	call, err := parseMinistryCallWith(cfg, "withdraw", args, true, withdrawUsage, func(fs *flag.FlagSet) {
		fs.StringVar(&motivation, "motivation", "", "motivation of the decision, 20 to 4000 characters (required)")
		fs.StringVar(&reference, "reference", "", "reference of the decision, e.g. the arrêté number (required)")
		fs.StringVar(&date, "date", civildate.Of(time.Now()).String(), "date of the decision, YYYY-MM-DD")
		fs.StringVar(&ccp, "ccp", "", "a CCP of the certificate: its award is withdrawn, and every certificate printing it")
	})
	if err != nil {
		return err
	}
	out := &certificationv1.WithdrawCertificateResponse{}
	if err := newRESTClient(call.base, nil).call(ctx, "ministry", call.token, http.MethodPost,
		"/v1/certificates/"+url.PathEscape(strings.ToUpper(strings.TrimSpace(call.arg)))+":withdraw",
		&certificationv1.WithdrawCertificateRequest{CcpCode: ccp, Motivation: motivation, DecisionReference: reference, DecidedOn: date},
		out); err != nil {
		return fmt.Errorf("withdrawal refused: %w", err)
	}
	d := out.GetWithdrawal()
	_, err = fmt.Fprintf(stdout, "withdrawal %s of %s (%s): withdrawn %s\n", d.GetId(), d.GetDecidedOn(), d.GetDecisionReference(),
		strings.Join(d.GetWithdrawnCertificateNumbers(), ", "))
	return err
}
