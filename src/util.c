#include "autoconf.h"

#include <time.h>

#include "util.h"

static const char *const err_names[] = {
	"ok",
	"truncated",
	"length field mismatch",
	"bad magic cookie",
	"not a control message",
	"unknown control message type",
	"bad GRE version",
	"bad GRE flags",
	"bad GRE protocol",
	"wrong call id",
	"not valid in this state",
	"no space",
	"bad FCS",
	"too big",
	"system error",
	"wrong source address",
};

const char *
err_str(int e)
{
	if (e > 0 || e <= E_MAX_)
		return "unknown error";
	return err_names[-e];
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
