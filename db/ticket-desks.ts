// Which tickets are a desk's: by the read model's `desk` column (migration
// 0016). Tickets from before desks have none and are the default desk's.
import type { ExpressionBuilder } from 'kysely';
import type { Desk } from '../lib/desks/desk';
import type { Database } from './schema';

export function ofDesk(desk: Pick<Desk, 'id' | 'isDefault'>) {
  return (eb: ExpressionBuilder<Database, 'tickets'>) =>
    desk.isDefault ? eb.or([eb('tickets.desk', '=', desk.id), eb('tickets.desk', 'is', null)]) : eb('tickets.desk', '=', desk.id);
}
