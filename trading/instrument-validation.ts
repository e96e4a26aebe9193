// Validation of an instrument spec as a broker reports it: sizing and rounding divide by
// these numbers, so zeros and negatives must never reach them.
import { z } from 'zod';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();

export const instrumentSpecSchema = z
  .object({
    symbol: z.string().min(1),
    digits: z.number().int().min(0).max(12),
    point: positive,
    tickSize: positive,
    tickValue: positive,
    contractSize: positive,
    volumeMin: positive,
    volumeMax: positive,
    volumeStep: positive,
    stopsLevel: nonNegative,
    freezeLevel: nonNegative,
    fillingModes: z.array(z.enum(['FOK', 'IOC', 'RETURN'])),
    maxSpreadPoints: nonNegative,
    pipSize: positive,
    marginRate: nonNegative,
    correlationGroup: z.string().min(1),
    // A negative commission (a rebate) would let sizing risk more than its budget.
    commissionPerLot: nonNegative,
  })
  .refine((spec) => spec.volumeMin <= spec.volumeMax, { message: 'volumeMin above volumeMax' });
