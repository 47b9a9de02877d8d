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
 * EVENT(number, C name, printed name, meaning)
 */
#ifndef X400_EVENTS_H
#define X400_EVENTS_H

#define EVENT_LIST \
	EVENT(1000, EV_DAEMON_START, "daemon-start", "x400d started") \
	EVENT(1001, EV_DAEMON_STOP, "daemon-stop", "x400d stopped") \
	EVENT(1002, EV_CONFIG_LOADED, "config-loaded", "configuration loaded") \
	EVENT(1003, EV_CONFIG_ERROR, "config-error", "configuration refused") \
	EVENT(1004, EV_CONFIG_WARNING, "config-warning", "configuration loaded with a warning (nosync, a password in clear, a link no route uses)") \
	EVENT(1005, EV_CONFIG_RELOADED, "config-reloaded", "configuration reloaded on SIGHUP; names the links added, removed and changed") \
	EVENT(1006, EV_CONFIG_RESTART_NEEDED, "config-restart-needed", "a changed setting takes effect only after a restart; names the keys") \
	\
	EVENT(2000, EV_CONN_ACCEPTED, "conn-accepted", "inbound TCP connection") \
	EVENT(2001, EV_CONN_CONNECTED, "conn-connected", "outbound TCP connection up; names the local address used") \
	EVENT(2002, EV_CONN_FAILED, "conn-failed", "outbound TCP connection failed") \
	EVENT(2003, EV_CONN_CLOSED, "conn-closed", "connection closed") \
	EVENT(2004, EV_CONN_IDLE, "conn-idle", "peer idle past the timer; connection aborted") \
	EVENT(2005, EV_CONN_LISTEN, "conn-listen", "listening on an address") \
	EVENT(2006, EV_CONN_LISTEN_FAILED, "conn-listen-failed", "cannot listen on an address") \
	EVENT(2007, EV_SRCADDR_UNAVAILABLE, "srcaddr-unavailable", "the configured source address is not on this host") \
	EVENT(2008, EV_SRCADDR_FALLBACK, "srcaddr-fallback", "source address unavailable; the OS chose one") \
	EVENT(2010, EV_TPKT_BAD, "tpkt-bad", "bad TPKT header (version or length)") \
	EVENT(2020, EV_COTP_BAD_TPDU, "cotp-bad-tpdu", "undecodable or unknown TPDU") \
	EVENT(2021, EV_COTP_OUT_OF_STATE, "cotp-out-of-state", "TPDU not allowed in this state") \
	EVENT(2022, EV_COTP_REFUSED, "cotp-refused", "transport connection refused (DR sent or received)") \
	EVENT(2023, EV_COTP_BAD_TSEL, "cotp-bad-tsel", "called TSAP selector not ours") \
	EVENT(2024, EV_COTP_ERROR_TPDU, "cotp-er", "peer sent an ER TPDU") \
	EVENT(2025, EV_COTP_CONNECTED, "cotp-connected", "transport connection open; names the TSAP selectors and TPDU size") \
	EVENT(2026, EV_COTP_DISCONNECTED, "cotp-disconnected", "transport connection released by a DR TPDU") \
	EVENT(2027, EV_COTP_TOO_BIG, "cotp-too-big", "a TSDU over the reassembly limit; DR sent") \
	EVENT(2030, EV_PCAP_START, "pcap-start", "pcap capture of a connection started; names the file") \
	EVENT(2031, EV_PCAP_ERROR, "pcap-error", "pcap capture of a connection failed and stopped") \
	\
	EVENT(2100, EV_SES_BAD_SPDU, "ses-bad-spdu", "undecodable or unknown SPDU") \
	EVENT(2101, EV_SES_OUT_OF_STATE, "ses-out-of-state", "SPDU not allowed in this state") \
	EVENT(2102, EV_SES_REFUSED, "ses-refused", "session connection refused") \
	EVENT(2103, EV_SES_ABORTED, "ses-aborted", "session aborted") \
	EVENT(2104, EV_SES_BAD_SSEL, "ses-bad-ssel", "called session selector not ours") \
	EVENT(2105, EV_SES_VERSION, "ses-version", "no common session version") \
	EVENT(2106, EV_SES_TOKEN, "ses-token", "data sent without the token") \
	\
	EVENT(2200, EV_PRES_BAD_PPDU, "pres-bad-ppdu", "undecodable presentation PDU") \
	EVENT(2201, EV_PRES_REFUSED, "pres-refused", "presentation connection refused") \
	EVENT(2202, EV_PRES_BAD_PSEL, "pres-bad-psel", "called presentation selector not ours") \
	EVENT(2203, EV_PRES_CONTEXT, "pres-context", "no acceptable presentation context") \
	EVENT(2204, EV_PRES_ABORTED, "pres-aborted", "presentation abort (ARU/ARP)") \
	EVENT(2210, EV_ACSE_BAD_APDU, "acse-bad-apdu", "undecodable ACSE APDU") \
	EVENT(2211, EV_ACSE_REFUSED, "acse-refused", "association refused (AARE reject)") \
	EVENT(2212, EV_ACSE_CONTEXT, "acse-context", "application context not supported") \
	EVENT(2213, EV_ACSE_ABORTED, "acse-aborted", "association aborted (ABRT)") \
	EVENT(2214, EV_ACSE_RELEASED, "acse-released", "association released") \
	\
	EVENT(2300, EV_RTSE_BAD_APDU, "rtse-bad-apdu", "undecodable RTSE APDU") \
	EVENT(2301, EV_RTSE_OUT_OF_STATE, "rtse-out-of-state", "RTSE APDU or event not allowed in this state") \
	EVENT(2302, EV_RTSE_REFUSED, "rtse-refused", "RT-OPEN refused (RTORJ or PRefuse)") \
	EVENT(2303, EV_RTSE_ABORTED, "rtse-aborted", "RTSE abort (RTAB)") \
	EVENT(2304, EV_RTSE_OPENED, "rtse-opened", "RTSE association open; names the negotiated parameters") \
	EVENT(2305, EV_RTSE_TRANSFER_FAILED, "rtse-transfer-failed", "an APDU transfer was interrupted or discarded") \
	EVENT(2306, EV_RTSE_RECOVERED, "rtse-recovered", "an interrupted transfer resumed") \
	EVENT(2307, EV_RTSE_TOO_BIG, "rtse-too-big", "an APDU over the size limit") \
	\
	EVENT(3000, EV_BIND_ACCEPTED, "bind-accepted", "MTA bind accepted") \
	EVENT(3001, EV_BIND_UNKNOWN_MTA, "bind-unknown-mta", "MTA bind refused: unknown MTA name") \
	EVENT(3002, EV_BIND_BAD_PASSWORD, "bind-bad-password", "MTA bind refused: wrong password") \
	EVENT(3003, EV_BIND_BAD_ADDRESS, "bind-bad-address", "MTA bind refused: source address not allowed on that link") \
	EVENT(3004, EV_BIND_BAD_SELECTOR, "bind-bad-selector", "MTA bind refused: selector mismatch") \
	EVENT(3005, EV_BIND_RATE_LIMITED, "bind-rate-limited", "failed binds from this address are being slowed") \
	EVENT(3006, EV_BIND_REFUSED_BY_PEER, "bind-refused-by-peer", "the peer refused our MTA bind") \
	EVENT(3007, EV_BIND_DONE, "bind-done", "our MTA bind was accepted by the peer") \
	EVENT(3008, EV_BIND_BUSY, "bind-busy", "MTA bind refused: the link has max_associations inbound associations already (bind error busy)") \
	\
	EVENT(3100, EV_TRANSFER_IN, "transfer-in", "an MTS-APDU was received and committed") \
	EVENT(3101, EV_TRANSFER_OUT, "transfer-out", "an MTS-APDU was sent and confirmed") \
	EVENT(3102, EV_TRANSFER_BAD, "transfer-bad", "an undecodable or invalid MTS-APDU") \
	EVENT(3103, EV_TRANSFER_DUPLICATE, "transfer-duplicate", "a duplicate transfer was recognised") \
	\
	EVENT(4000, EV_ROUTE_NONE, "route-none", "no route for a recipient") \
	EVENT(4001, EV_ROUTE_LOOP, "route-loop", "a loop was detected") \
	EVENT(4002, EV_REPORT_SENT, "report-sent", "a report was generated") \
	EVENT(4003, EV_DELIVERED, "delivered", "delivered locally") \
	\
	EVENT(5000, EV_STORE_OPEN, "store-open", "store opened") \
	EVENT(5001, EV_STORE_ERROR, "store-error", "store operation failed") \
	EVENT(5002, EV_STORE_COMMIT_FAILED, "store-commit-failed", "a group commit failed; every operation in it was refused") \
	EVENT(5003, EV_STORE_CORRUPT, "store-corrupt", "a stored record does not decode") \
	EVENT(5004, EV_STORE_RECOVERED, "store-recovered", "recipients in transfer at the last stop were queued again") \
	EVENT(5005, EV_STORE_STALE_READERS, "store-stale-readers", "reader slots of dead processes cleared") \
	EVENT(5006, EV_STORE_CHECK_PROBLEM, "store-check-problem", "the consistency check found a problem") \
	EVENT(5007, EV_STORE_REPAIRED, "store-repaired", "the consistency check repaired the store")

enum x400_event {
#define EVENT(num, cname, name, meaning) cname = num,
	EVENT_LIST
#undef EVENT
};

#endif
