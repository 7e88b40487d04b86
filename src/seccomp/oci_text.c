/* SPDX-License-Identifier: MIT */
/* Positions in a profile's text (seccomp/oci_text.h). */
#include "seccomp/oci_text.h"

#include <stdbool.h>
#include <string.h>

size_t oci_skip_ws(const char *t, size_t n, size_t i)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* i at an opening quote: the index after the closing one. */
size_t oci_skip_string(const char *t, size_t n, size_t i)
{
	for (i++; i < n && t[i] != '"'; i++)
		if (t[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

size_t oci_skip_value(const char *t, size_t n, size_t i)
{
	int depth = 0;

	do {
		i = oci_skip_ws(t, n, i);
		if (i >= n)
			return n;
		switch (t[i]) {
		case '"':
			i = oci_skip_string(t, n, i);
			break;
		case '{':
		case '[':
			depth++;
			i++;
			break;
		case '}':
		case ']':
			depth--;
			i++;
			break;
		case ',':
		case ':':
			i++;
			break;
		default:
			while (i < n && !strchr(",:]} \t\r\n", t[i]))
				i++;
		}
	} while (depth > 0);
	return i;
}

/* i at '{': where the value of member key starts (the last one, as json-c keeps the last
 * of duplicate keys), or n. */
size_t oci_find_member(const char *t, size_t n, size_t i, const char *key)
{
	size_t found = n, klen = strlen(key);

	if (i >= n || t[i] != '{')
		return n;
	for (i++;;) {
		size_t k, end;
		bool match;

		i = oci_skip_ws(t, n, i);
		if (i >= n || t[i] != '"')
			return found;
		k = i + 1;
		end = oci_skip_string(t, n, i);
		match = end - 1 - k == klen && memcmp(t + k, key, klen) == 0;
		i = oci_skip_ws(t, n, end);
		if (i >= n || t[i] != ':')
			return found;
		i = oci_skip_ws(t, n, i + 1);
		if (match)
			found = i;
		i = oci_skip_ws(t, n, oci_skip_value(t, n, i));
		if (i >= n || t[i] != ',')
			return found;
		i++;
	}
}

size_t oci_find_element(const char *t, size_t n, size_t i, size_t index)
{
	if (i >= n || t[i] != '[')
		return n;
	for (size_t k = 0, j = i + 1;; k++) {
		j = oci_skip_ws(t, n, j);
		if (j >= n || t[j] == ']')
			return n;
		if (k == index)
			return j;
		j = oci_skip_ws(t, n, oci_skip_value(t, n, j));
		if (j >= n || t[j] != ',')
			return n;
		j++;
	}
}

void oci_line_col(const char *t, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (t[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)t[i] & 0xc0) != 0x80) {
			(*col)++; /* a character, not a UTF-8 continuation byte */
		}
	}
}
