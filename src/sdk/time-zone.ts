import { z } from 'zod';

/** A time zone setting: any IANA zone name the runtime's Intl knows ("Europe/Oslo", "UTC"). */
export const ianaZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as "Europe/Oslo" or "UTC"');
