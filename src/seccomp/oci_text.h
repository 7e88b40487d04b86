/* SPDX-License-Identifier: MIT */
#pragma once
/* json-c keeps no positions for values. The text has been parsed by the time a field is
 * found wrong, so a small scanner that trusts it finds the field again by its path, for
 * the FILE:LINE:COLUMN of a --seccomp-profile message. */
#include <stddef.h>

/* i, or past the white space there. */
size_t oci_skip_ws(const char *t, size_t n, size_t i);

/* i at an opening quote: the index after the closing one. */
size_t oci_skip_string(const char *t, size_t n, size_t i);

/* i at a value: the index after it. */
size_t oci_skip_value(const char *t, size_t n, size_t i);

/* i at '{': where the value of member key starts (the last one, as json-c keeps the last
 * of duplicate keys), or n. */
size_t oci_find_member(const char *t, size_t n, size_t i, const char *key);

/* i at '[': where element index starts, or n. */
size_t oci_find_element(const char *t, size_t n, size_t i, size_t index);

/* The line and column (from 1) of offset off. */
void oci_line_col(const char *t, size_t off, unsigned *line, unsigned *col);
