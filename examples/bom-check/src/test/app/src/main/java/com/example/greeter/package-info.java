/**
 * A tiny application built outside the reactor against the installed BOM: greets once on virtual time.
 */
package com.example.greeter;
