/*
 * codec_pdus.h - the top-level PDU types of every protocol we speak
 *
 * One line per PDU: CODEC_PDU(C name of the asn1c descriptor, ASN.1 name).
 * codec.c builds its registry from this list, and each entry gets a
 * libFuzzer target (tests/fuzz/). Add a PDU here and both follow.
 */
#ifndef X400_CODEC_PDUS_H
#define X400_CODEC_PDUS_H

#include "MTABindArgument.h"
#include "MTABindResult.h"
#include "MTABindError.h"
#include "MTS-APDU.h"
#include "InformationObject.h"
#include "ACSE-apdu.h"
#include "CP-type.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "Abort-type.h"
#include "User-data.h"
#include "RTSE-apdus.h"
#include "PConnect.h"
#include "PAccept.h"
#include "PRefuse.h"

#define CODEC_PDU_LIST \
	CODEC_PDU(MTABindArgument, "MTABindArgument") \
	CODEC_PDU(MTABindResult, "MTABindResult") \
	CODEC_PDU(MTABindError, "MTABindError") \
	CODEC_PDU(MTS_APDU, "MTS-APDU") \
	CODEC_PDU(InformationObject, "InformationObject") \
	CODEC_PDU(ACSE_apdu, "ACSE-apdu") \
	CODEC_PDU(CP_type, "CP-type") \
	CODEC_PDU(CPA_PPDU, "CPA-PPDU") \
	CODEC_PDU(CPR_PPDU, "CPR-PPDU") \
	CODEC_PDU(Abort_type, "Abort-type") \
	CODEC_PDU(User_data, "User-data") \
	CODEC_PDU(RTSE_apdus, "RTSE-apdus") \
	CODEC_PDU(PConnect, "PConnect") \
	CODEC_PDU(PAccept, "PAccept") \
	CODEC_PDU(PRefuse, "PRefuse")

#endif
