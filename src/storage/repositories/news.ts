import type { NewsRepository } from '../../apis/example/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { toNews } from '../rows.js';

export function newsRepository({ db }: Context): NewsRepository {
  return {
    async insert(item) {
      await write(
        db
          .insertInto('news')
          .values({
            id: item.id,
            environment: item.environment,
            customer_id: item.customerId,
            lang: item.lang,
            title: item.title,
            body: item.body,
            published_at: item.publishedAt,
          })
          .execute(),
      );
    },

    async list(filter, page) {
      let query = db.selectFrom('news').selectAll().where('environment', '=', filter.environment);
      query =
        filter.customerId === null
          ? query.where('customer_id', 'is', null)
          : query.where('customer_id', '=', filter.customerId);
      if (filter.lang !== undefined) query = query.where('lang', '=', filter.lang);
      if (filter.since !== undefined) query = query.where('published_at', '>=', filter.since);
      const after = page.after;
      if (after !== undefined) {
        // Newest first, so "after" is older: (published_at, id) < (at, id).
        query = query.where((eb) =>
          eb.and([
            eb('published_at', '<=', after.at),
            eb.or([eb('published_at', '<', after.at), eb('id', '<', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('published_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toNews);
    },
  };
}
