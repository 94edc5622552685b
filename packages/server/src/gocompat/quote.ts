// Go's strconv.Quote (%q). Its code lives in @kubeauth/verify, which needs it for the same error texts and depends
// on nothing of the server; checked here against Go's own output (corpus.test.ts).
export { goQuote, goQuoteByte, goQuoteList } from '@kubeauth/verify/internal';
