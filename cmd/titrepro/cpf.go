package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

const cpfUsage = "usage: titrepro cpf export FILE | ack FILE | late [--token T] [--url URL]"

// cpf handles `titrepro cpf export FILE`, `cpf ack FILE` and `cpf late`: the
// CPF deposit (R56) through the running server's API, as the ministry.
// export writes the next deposit file to FILE; ack sends the Caisse's
// processing report FILE; late lists the titres past the day-80 alert.
// Without --token it mints a short-lived ministry token with the local
// issuer, as `referentiel import` does.
func cpf(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", cpfUsage)
	}
	verb := args[0]
	if verb != "export" && verb != "ack" && verb != "late" {
		return fmt.Errorf("%s", cpfUsage)
	}
	call, err := parseMinistryCall(cfg, "cpf "+verb, args[1:], verb != "late", cpfUsage)
	if err != nil {
		return err
	}
	file := call.arg
	c := newRESTClient(call.base, nil)
	switch verb {
	case "export":
		return cpfExport(ctx, c, call.token, file, stdout)
	case "ack":
		return cpfAck(ctx, c, call.token, file, stdout)
	}
	return cpfLate(ctx, c, call.token, stdout)
}

// cpfExport writes the deposit file, the XML body of the answer, to file.
// It is written only when complete: a refused export leaves no file.
func cpfExport(ctx context.Context, c *restClient, token, file string, stdout io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/cpfDeposits:export", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("is `titrepro serve` running at %s? %w", c.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("export refused: %w", decodeAPIError(resp.StatusCode, body))
	}
	if err := os.WriteFile(file, body, 0o600); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "CPF deposit file written to %s (%d bytes)\n", file, len(body))
	return err
}

func cpfAck(ctx context.Context, c *restClient, token, file string, stdout io.Writer) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out := &certificationv1.AcknowledgeCpfDepositResponse{}
	if err := c.call(ctx, "ministry", token, http.MethodPost, "/v1/cpfDeposits:acknowledge",
		&certificationv1.AcknowledgeCpfDepositRequest{AcknowledgementXml: string(data)}, out); err != nil {
		return fmt.Errorf("report refused: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "report of %s: %d deposited, %d rejected (sent again by the next export)\n",
		out.GetFluxId(), out.GetDeposited(), out.GetRejected()); err != nil {
		return err
	}
	for _, p := range out.GetUnknownPassages() {
		if _, err := fmt.Fprintf(stdout, "  passage %s matches no titre of titrepro\n", p); err != nil {
			return err
		}
	}
	return nil
}

func cpfLate(ctx context.Context, c *restClient, token string, stdout io.Writer) error {
	out := &certificationv1.ListLateCpfDepositsResponse{}
	if err := c.call(ctx, "ministry", token, http.MethodGet, "/v1/cpfDeposits:late", nil, out); err != nil {
		return err
	}
	if len(out.GetDeposits()) == 0 {
		_, err := fmt.Fprintln(stdout, "no titre past the day-80 alert")
		return err
	}
	for _, d := range out.GetDeposits() {
		state := "never exported"
		switch {
		case d.GetMessage() != "":
			state = "rejected: " + d.GetMessage()
		case d.GetFluxId() != "":
			state = "waiting for the report of " + d.GetFluxId()
		}
		if _, err := fmt.Fprintf(stdout, "%s awarded %s, deadline %s (%d days left): %s\n",
			d.GetAwardId(), d.GetAwardDate(), d.GetDeadline(), d.GetDaysLeft(), state); err != nil {
			return err
		}
	}
	return nil
}
