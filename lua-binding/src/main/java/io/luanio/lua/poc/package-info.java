/**
 * The blocking {@code socket} module of the POC scanning engine (SPEC.md section 4):
 * straight-line {@code value, err} calls that block only the calling script, on the same
 * event loop as everything else.
 */
package io.luanio.lua.poc;
