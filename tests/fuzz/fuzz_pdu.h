/*
 * fuzz_pdu.h - the one fuzz entry point, shared by every PDU target
 *
 * A target binary is named fuzz_<PDU> (build/fuzz/bin/fuzz_MTS-APDU) and
 * takes its PDU type from that name; fuzz_replay selects each type in
 * turn with fuzz_pdu_select() and feeds it the stored corpus.
 */
#ifndef X400_FUZZ_PDU_H
#define X400_FUZZ_PDU_H

#include <stddef.h>
#include <stdint.h>

/* fuzz_pdu_select - fuzz this PDU type from now on; 0, or -1 if unknown */
int	fuzz_pdu_select(const char *pdu);

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
