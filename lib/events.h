/*
 * events.h - every numbered event, with its stable meaning
 *
 * Numbers never change meaning once released; a retired event keeps its
 * number unused. Ranges:
 *	1000-1099  daemon life: start, reload, stop, configuration
 *	2000-2099  transport: TPKT, X.224 (COTP), connections, source address
 *	2100-2199  session (X.225)
 *	2200-2299  presentation (X.226), ACSE (X.227)
 *	2300-2399  RTSE (X.228)
 *	3000-3099  P1 bind and peer authentication
 *	3100-3199  P1 transfer
 *	4000-4099  routing, reports, loops
 *	5000-5099  store
 *
 * Only events that some code logs are listed (tests/integration/docs.sh
 * checks it); retired numbers: 2101, 2104-2106 (never logged: session
 * errors are 2100, selectors are checked by the P1 bind, 3004), 2214
 * (a release is the normal end), 2304 (bind-done and bind-accepted name
 * the negotiated parameters).
 *
 * EVENT(number, C name, printed name, meaning), each followed by a one-line
 * comment for operators: what the text names, what happens next, what to
 * do.
 */
#ifndef X400_EVENTS_H
#define X400_EVENTS_H

#define EVENT_LIST \
	EVENT(1000, EV_DAEMON_START, "daemon-start", "x400d started") \
	/* logged once at start: "x400d VERSION started", our MTA name, domain, how many links and listen addresses */ \
	EVENT(1001, EV_DAEMON_STOP, "daemon-stop", "x400d stopped") \
	/* logged once at the end: what arrived, was relayed, delivered and reported */ \
	EVENT(1002, EV_CONFIG_LOADED, "config-loaded", "configuration loaded") \
	/* at start: names the file; its warnings follow as 1004 */ \
	EVENT(1003, EV_CONFIG_ERROR, "config-error", "configuration refused") \
	/* file:line: key: problem, one per line; at start x400d exits, on SIGHUP it keeps the old configuration */ \
	EVENT(1004, EV_CONFIG_WARNING, "config-warning", "configuration loaded with a warning (nosync, a password in clear, a link no route uses)") \
	/* fix or accept the warning; the daemon runs with the file as loaded */ \
	EVENT(1005, EV_CONFIG_RELOADED, "config-reloaded", "configuration reloaded on SIGHUP; names the links added, removed and changed") \
	/* names how many links there are now; the queue is untouched (1006 for what needs a restart) */ \
	EVENT(1006, EV_CONFIG_RESTART_NEEDED, "config-restart-needed", "a changed setting takes effect only after a restart; names the keys") \
	/* e.g. listen addresses, queue_dir, user: restart x400d to apply them */ \
	EVENT(1007, EV_CONFIG_SECRETS_KEPT, "config-secrets-kept", "on SIGHUP the run user may not read the secrets file: the passwords read at start are used") \
	/* x400d reads global.secrets_file as root at start; after the drop to global.user a reload keeps those passwords, so a changed secrets file needs a restart */ \
	EVENT(1008, EV_FD_LIMIT, "fd-limit", "the descriptor limit was raised for the association limits, or is below what they need") \
	/* notice when raised (from, to, the keys that need it); warning when the hard limit stops it: raise LimitNOFILE or lower max_associations_in */ \
	EVENT(1010, EV_CTL_LISTEN, "ctl-listen", "the control socket is open for x400q; names its path") \
	/* queue_dir/x400d.ctl, mode 0660, owned by the user x400d runs as */ \
	EVENT(1011, EV_CTL_ERROR, "ctl-error", "the control socket cannot be opened (x400d runs without it), or a client's request was refused") \
	/* names the path and the system error, or the client's uid and what was wrong with its request (logged once per connection) */ \
	EVENT(1012, EV_CTL_PING, "ctl-ping", "a test association asked for by x400q ping ended; names the outcome and the timings") \
	/* accepted, or refused, unreachable, aborted, timeout with the reason; the link's state is not changed */ \
	EVENT(1013, EV_METRICS_LISTEN, "metrics-listen", "the HTTP metrics endpoint is open; names its address") \
	EVENT(1014, EV_METRICS_ERROR, "metrics-error", "the HTTP metrics endpoint cannot listen (x400d runs without it)") \
	\
	EVENT(2000, EV_CONN_ACCEPTED, "conn-accepted", "inbound TCP connection") \
	/* an inbound TCP connection; also logged, with a reason, when it is refused at once (limits, stopping) */ \
	EVENT(2001, EV_CONN_CONNECTED, "conn-connected", "outbound TCP connection up; names the local address used") \
	/* names the local address and whether it was configured or the OS's choice (docs/links.md) */ \
	EVENT(2002, EV_CONN_FAILED, "conn-failed", "outbound TCP connection failed") \
	/* the peer could not be reached (refused, unreachable, timeout); the link waits open_interval */ \
	EVENT(2003, EV_CONN_CLOSED, "conn-closed", "connection closed") \
	/* names the local address, the octets each way and how it closed */ \
	EVENT(2004, EV_CONN_IDLE, "conn-idle", "peer idle past the timer; connection aborted") \
	/* an idle association is released once bound, or aborted when no bind came in time */ \
	EVENT(2005, EV_CONN_LISTEN, "conn-listen", "listening on an address") \
	/* one per listen address, at start and when a reload adds one */ \
	EVENT(2006, EV_CONN_LISTEN_FAILED, "conn-listen-failed", "cannot listen on an address") \
	/* another process has the port, the address is not on this host, or an accept failed */ \
	EVENT(2007, EV_SRCADDR_UNAVAILABLE, "srcaddr-unavailable", "the configured source address is not on this host") \
	/* source_enforce = true: no connection is made; a local configuration error (docs/links.md) */ \
	EVENT(2008, EV_SRCADDR_FALLBACK, "srcaddr-fallback", "source address unavailable; the OS chose one") \
	/* source_enforce = false: the connection is made from the OS's choice; fix source_address to silence it */ \
	EVENT(2009, EV_SRCADDR_HELD, "srcaddr-link-held", "a link is held because its own source address is unusable (source_enforce); the peer is not blamed") \
	/* names the source address, the peer (not at fault) and the fix; messages wait (docs/links.md) */ \
	EVENT(2011, EV_CONN_REFUSALS, "conn-refusals", "connections refused or dropped before their bind, counted") \
	/* one per global.limits.refusal_log_interval with anything to count: the front door (prebind_per_source, prebind_max, bind_timeout, max_associations_in, the bind back-off), the counts and the busiest source */ \
	EVENT(2010, EV_TPKT_BAD, "tpkt-bad", "bad TPKT header (version or length)") \
	/* RFC 1006: a version or length we do not take; often a client that does not speak OSI on the port */ \
	EVENT(2020, EV_COTP_BAD_TPDU, "cotp-bad-tpdu", "undecodable or unknown TPDU") \
	/* X.224: the peer sent a TPDU we cannot decode; the connection is dropped */ \
	EVENT(2021, EV_COTP_OUT_OF_STATE, "cotp-out-of-state", "TPDU not allowed in this state") \
	/* X.224: a valid TPDU at the wrong moment; the connection is dropped */ \
	EVENT(2022, EV_COTP_REFUSED, "cotp-refused", "transport connection refused (DR sent or received)") \
	/* X.224: a DR, with its reason; for an outbound link the peer refused the transport connection */ \
	EVENT(2023, EV_COTP_BAD_TSEL, "cotp-bad-tsel", "called TSAP selector not ours") \
	/* X.224: the caller called a TSAP selector we do not listen on; check listen.tsel and the peer's */ \
	EVENT(2024, EV_COTP_ERROR_TPDU, "cotp-er", "peer sent an ER TPDU") \
	/* X.224: the peer says a TPDU we sent was in error (ER TPDU) */ \
	EVENT(2025, EV_COTP_CONNECTED, "cotp-connected", "transport connection open; names the TSAP selectors and TPDU size") \
	/* X.224: names both TSAP selectors and the negotiated TPDU size */ \
	EVENT(2026, EV_COTP_DISCONNECTED, "cotp-disconnected", "transport connection released by a DR TPDU") \
	/* X.224: the transport connection was released by a DR (normal disconnect or with a reason) */ \
	EVENT(2027, EV_COTP_TOO_BIG, "cotp-too-big", "a TSDU over the reassembly limit; DR sent") \
	/* X.224: a TSDU larger than our reassembly limit: DR sent, nothing more is buffered */ \
	EVENT(2040, EV_TLS_HANDSHAKE_FAILED, "tls-handshake-failed", "a TLS handshake (or a TLS record) failed") \
	/* names OpenSSL's reason: a caller that does not speak TLS on a TLS port, no common version or cipher, a bad record; the connection is dropped (docs/links.md, Securing a link) */ \
	EVENT(2041, EV_TLS_CERT_EXPIRED, "tls-cert-expired", "the peer's TLS certificate has expired") \
	/* names the certificate's subject and end date; the handshake fails; the peer must renew it */ \
	EVENT(2042, EV_TLS_CERT_NOT_YET_VALID, "tls-cert-not-yet-valid", "the peer's TLS certificate is not yet valid") \
	/* names the subject and start date; check both clocks; the handshake fails */ \
	EVENT(2043, EV_TLS_UNKNOWN_CA, "tls-unknown-ca", "the peer's TLS certificate does not verify against the CA configured") \
	/* names the subject, the issuer and OpenSSL's reason; listen.tls_ca at the handshake, the link's tls_ca at the bind (inbound) or before it (outbound) */ \
	EVENT(2044, EV_TLS_PIN_MISMATCH, "tls-pin-mismatch", "the peer's TLS certificate does not match the link's tls_pin") \
	/* names the pin expected and the one presented; inbound the bind is refused, outbound nothing is sent and the link counts a failure */ \
	EVENT(2045, EV_TLS_NAME_MISMATCH, "tls-name-mismatch", "the peer's TLS certificate does not carry the link's tls_name") \
	/* names the name expected and the subject; inbound the bind is refused, outbound nothing is sent and the link counts a failure */ \
	EVENT(2046, EV_TLS_REQUIRED, "tls-required", "a bind for a link with tls = \"required\" arrived over plain TCP, or TLS could not be set up for it") \
	/* the bind is refused (authentication-error); the peer must call our listen.tls_addresses, or set the link's tls = "optional" */ \
	EVENT(2047, EV_TLS_ESTABLISHED, "tls-established", "a TLS session is up; names the version, the cipher and the peer's certificate") \
	/* the association runs inside it; its capture (pcap) holds the decrypted stream */ \
	EVENT(2048, EV_TLS_CONFIG, "tls-config", "a TLS certificate, key or CA file cannot be used") \
	/* names the file and OpenSSL's reason; at start x400d exits, on a link the link cannot use TLS */ \
	EVENT(2049, EV_TLS_UNKNOWN_CALLER, "tls-unknown-caller", "a TLS caller's certificate matches no link that receives; refused before its bind") \
	/* every link that receives has a tls_pin or tls_ca and none takes it: the connection is closed after the handshake, before a byte of the caller's is read; names the certificate and its sha256-spki pin */ \
	EVENT(2030, EV_PCAP_START, "pcap-start", "pcap capture of a connection started; names the file") \
	/* a link with pcap = true: the capture file for this connection */ \
	EVENT(2031, EV_PCAP_ERROR, "pcap-error", "pcap capture of a connection failed and stopped") \
	/* the capture stopped (disk full, permissions); the connection itself goes on */ \
	\
	EVENT(2100, EV_SES_BAD_SPDU, "ses-bad-spdu", "undecodable or unknown SPDU") \
	/* X.225: an SPDU we cannot decode; the session is aborted */ \
	EVENT(2102, EV_SES_REFUSED, "ses-refused", "session connection refused") \
	/* X.225: a REFUSE SPDU, sent or received, with its reason */ \
	EVENT(2103, EV_SES_ABORTED, "ses-aborted", "session aborted") \
	/* X.225: an ABORT SPDU, sent or received */ \
	\
	EVENT(2200, EV_PRES_BAD_PPDU, "pres-bad-ppdu", "undecodable presentation PDU") \
	/* X.226: a presentation PDU we cannot decode; the association is aborted */ \
	EVENT(2201, EV_PRES_REFUSED, "pres-refused", "presentation connection refused") \
	/* X.226: a CPR (connect refused), sent or received, with its reason */ \
	EVENT(2202, EV_PRES_BAD_PSEL, "pres-bad-psel", "called presentation selector not ours") \
	/* X.226: the caller called a presentation selector that is not ours */ \
	EVENT(2203, EV_PRES_CONTEXT, "pres-context", "no acceptable presentation context") \
	/* X.226: none of the proposed presentation contexts (ACSE, RTSE, MTS) is acceptable */ \
	EVENT(2204, EV_PRES_ABORTED, "pres-aborted", "presentation abort (ARU/ARP)") \
	/* X.226: an ARU or ARP abort, sent or received */ \
	EVENT(2210, EV_ACSE_BAD_APDU, "acse-bad-apdu", "undecodable ACSE APDU") \
	/* X.227: an ACSE APDU we cannot decode; the association is aborted */ \
	EVENT(2211, EV_ACSE_REFUSED, "acse-refused", "association refused (AARE reject)") \
	/* X.227: an AARE with result rejected, sent or received */ \
	EVENT(2212, EV_ACSE_CONTEXT, "acse-context", "application context not supported") \
	/* X.227: the caller asked for an application context other than MTS transfer */ \
	EVENT(2213, EV_ACSE_ABORTED, "acse-aborted", "association aborted (ABRT)") \
	/* X.227: an ABRT, sent or received */ \
	\
	EVENT(2300, EV_RTSE_BAD_APDU, "rtse-bad-apdu", "undecodable RTSE APDU") \
	/* X.228: an RTSE APDU we cannot decode; the association is aborted */ \
	EVENT(2301, EV_RTSE_OUT_OF_STATE, "rtse-out-of-state", "RTSE APDU or event not allowed in this state") \
	/* X.228: an RTSE APDU or event at the wrong moment; the association is aborted */ \
	EVENT(2302, EV_RTSE_REFUSED, "rtse-refused", "RT-OPEN refused (RTORJ or PRefuse)") \
	/* X.228: RTORJ or PRefuse, sent or received; for a refused MTA-bind see 3001-3006 */ \
	EVENT(2303, EV_RTSE_ABORTED, "rtse-aborted", "RTSE abort (RTAB)") \
	/* X.228: an RTAB, sent or received, with its reason */ \
	EVENT(2305, EV_RTSE_TRANSFER_FAILED, "rtse-transfer-failed", "an APDU transfer was interrupted or discarded") \
	/* X.228: the transfer is retried later (transfer_retries, transfer_interval) */ \
	EVENT(2306, EV_RTSE_RECOVERED, "rtse-recovered", "an interrupted transfer resumed") \
	/* X.228: recovery resumed a transfer from its last confirmed checkpoint */ \
	EVENT(2307, EV_RTSE_TOO_BIG, "rtse-too-big", "an APDU over the size limit") \
	/* X.228: an APDU over max_message_size (plus overhead): refused, the association aborted */ \
	\
	EVENT(3000, EV_BIND_ACCEPTED, "bind-accepted", "MTA bind accepted") \
	/* a caller's MTA-bind passed every check (docs/links.md); names the peer, link and RTSE parameters */ \
	EVENT(3001, EV_BIND_UNKNOWN_MTA, "bind-unknown-mta", "MTA bind refused: unknown MTA name") \
	/* names caller, claimed MTA, the MTAs we receive from or the send-only link, the bind error sent and the fix */ \
	EVENT(3002, EV_BIND_BAD_PASSWORD, "bind-bad-password", "MTA bind refused: wrong password") \
	/* names caller, MTA, link, the verifier's kind, the bind error sent and the fix; never the password tried */ \
	EVENT(3003, EV_BIND_BAD_ADDRESS, "bind-bad-address", "MTA bind refused: source address not allowed on that link") \
	/* names caller, MTA, link, what allow holds, the bind error sent and the fix (KB Q197378; docs/links.md) */ \
	EVENT(3004, EV_BIND_BAD_SELECTOR, "bind-bad-selector", "MTA bind refused: selector mismatch") \
	/* names caller, MTA, link, the selectors called and expected, the bind error sent and the fix */ \
	EVENT(3005, EV_BIND_RATE_LIMITED, "bind-rate-limited", "failed binds from this address are being slowed") \
	/* names the caller and the wait: once bind_backoff.free failures are used up, and for each connection refused meanwhile */ \
	EVENT(3006, EV_BIND_REFUSED_BY_PEER, "bind-refused-by-peer", "the peer refused our MTA bind") \
	/* names our local address and the bind error the peer sent; the link waits open_interval */ \
	EVENT(3007, EV_BIND_DONE, "bind-done", "our MTA bind was accepted by the peer") \
	/* names the peer and the RTSE parameters agreed */ \
	EVENT(3008, EV_BIND_BUSY, "bind-busy", "MTA bind refused: the link has max_associations inbound associations already (bind error busy)") \
	/* names caller, MTA, link and max_associations; bind error busy (0); the caller may retry later */ \
	EVENT(3009, EV_STRONG_SIGNATURE, "bind-strong-signature", "strong credentials refused: the bind token's signature does not verify with the certificate sent") \
	/* names the peer, the link, the certificate and the algorithm; inbound the bind is refused (authentication-error), outbound the association aborted */ \
	EVENT(3010, EV_STRONG_TIME, "bind-strong-time", "strong credentials refused: the bind token's time is outside limits.strong_window") \
	/* names the token's time, ours and the window: a clock is wrong on one side (NTP), or a token was replayed late */ \
	EVENT(3011, EV_STRONG_REPLAY, "bind-strong-replay", "strong credentials refused: the bind token's random number was seen before within limits.strong_window") \
	/* a token replayed (captured and sent again), or a peer that does not draw a new random number per bind */ \
	EVENT(3012, EV_STRONG_NAME, "bind-strong-name", "strong credentials refused: the bind token is for another MTA") \
	/* names the MTA the token is for and ours (our_mta, global.mta_name): correct the peer's name for us */ \
	EVENT(3013, EV_STRONG_INCOMPLETE, "bind-strong-incomplete", "strong credentials refused: no bind token or no certificate, or a certificate that does not parse") \
	/* the peer must send both a bind-token and its certificate (X.411 12.2.1.1) */ \
	EVENT(3014, EV_STRONG_BAD_TOKEN, "bind-strong-bad-token", "strong credentials refused: the bind token is malformed, not a bind token, or signed with an algorithm we do not take") \
	/* names what is wrong: the token type, the TokenData type, the algorithms (RSA-SHA256, ECDSA-SHA256, Ed25519) */ \
	EVENT(3015, EV_BIND_CREDENTIALS_KIND, "bind-credentials-kind", "MTA bind refused: a password on a link with credentials = \"strong\", or strong credentials a link cannot verify") \
	/* names the link, what came and what the link expects, and the fix (credentials, tls_pin or tls_ca on the link) */ \
	\
	EVENT(3100, EV_TRANSFER_IN, "transfer-in", "an MTS-APDU was received and committed") \
	/* names the MTS identifier and our message number; the peer is confirmed only after the commit */ \
	EVENT(3101, EV_TRANSFER_OUT, "transfer-out", "an MTS-APDU was sent and confirmed") \
	/* names the MTS identifier, how many recipients it carried and how long it took */ \
	EVENT(3102, EV_TRANSFER_BAD, "transfer-bad", "an undecodable or invalid MTS-APDU") \
	/* names the peer and what did not decode or failed the checks; the transfer is refused */ \
	EVENT(3103, EV_TRANSFER_DUPLICATE, "transfer-duplicate", "a duplicate transfer was recognised") \
	/* a message already accepted from that peer: confirmed, not delivered again */ \
	\
	EVENT(4000, EV_ROUTE_NONE, "route-none", "no route for a recipient") \
	/* the recipient gets a non-delivery report (unable-to-transfer, unrecognised-OR-name) */ \
	EVENT(4001, EV_ROUTE_LOOP, "route-loop", "a loop was detected") \
	/* the trace shows the message has been here before: non-delivery report (loop-detected) */ \
	EVENT(4002, EV_REPORT_SENT, "report-sent", "a report was generated") \
	/* names the subject message and how many recipients the report covers */ \
	EVENT(4003, EV_DELIVERED, "delivered", "delivered locally") \
	/* names the MTS identifier, the recipient and the file */ \
	EVENT(4004, EV_ROUTE_ALTERNATE, "route-alternate", "recipients waiting on a failing link moved to an alternate route") \
	/* names how many recipients moved and the first alternate link; those whose only route is the link stay */ \
	\
	EVENT(5000, EV_STORE_OPEN, "store-open", "store opened") \
	/* names the queue directory */ \
	EVENT(5001, EV_STORE_ERROR, "store-error", "store operation failed") \
	/* names the operation and the LMDB error; the operation was not done */ \
	EVENT(5002, EV_STORE_COMMIT_FAILED, "store-commit-failed", "a group commit failed; every operation in it was refused") \
	/* every operation in the group failed (disk full, I/O error); none of them was confirmed to a peer */ \
	EVENT(5003, EV_STORE_CORRUPT, "store-corrupt", "a stored record does not decode") \
	/* names the record; x400q check and check --repair say more */ \
	EVENT(5004, EV_STORE_RECOVERED, "store-recovered", "recipients in transfer at the last stop were queued again") \
	/* after an unclean stop: those recipients will be transferred again (duplicates are recognised: 3103) */ \
	EVENT(5005, EV_STORE_STALE_READERS, "store-stale-readers", "reader slots of dead processes cleared") \
	/* LMDB reader slots left by processes that died (e.g. a killed x400q) were freed */ \
	EVENT(5006, EV_STORE_CHECK_PROBLEM, "store-check-problem", "the consistency check found a problem") \
	/* x400q check: names the problem found */ \
	EVENT(5007, EV_STORE_REPAIRED, "store-repaired", "the consistency check repaired the store") \
	/* x400q check --repair: names what was repaired */ \
	EVENT(5008, EV_OPERATOR_ACTION, "operator-action", "an operator changed the queue with x400q (hold, release, delete, retry, reroute)") \
	/* names the Unix user, the action, the message id and MTS identifier (or the link); x400d reads it from the queue's journal */ \
	EVENT(5009, EV_STORE_PRUNED, "store-pruned", "old journal entries and identifiers of removed messages dropped") \
	/* names how many and the cutoff (global.limits.history); a transmission repeated after that is no longer recognised as a duplicate */

enum x400_event {
#define EVENT(num, cname, name, meaning) cname = num,
	EVENT_LIST
#undef EVENT
};

#endif
