/* SPDX-License-Identifier: BSD-3-Clause */
/* A shared object that is not a provider: no PxeProviderInitialize. */
int not_a_provider(void);
int
not_a_provider(void)
{
	return 42;
}
