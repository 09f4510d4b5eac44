import { Input, Text, View } from '@tarojs/components';
import { emergencyCallsFor, type AnswerValue, type Question } from '@ssp/shared';
import { CallBanner } from '../components/EmergencyCallBanner';
import { currentLanguage, localName, useT } from '../i18n';

interface Props {
  questions: Question[];
  answers: Record<string, AnswerValue>;
  onAnswer: (code: string, value: AnswerValue | undefined) => void;
  errors: Record<string, string>;
  showErrors: boolean;
}

/**
 * The category's (and 专区's) questions, shown once the category is known.
 * Choices are buttons with `aria-pressed`, so screen readers announce them,
 * and every control is named by its question.
 */
export function Questions({ questions, answers, onAnswer, errors, showErrors }: Props) {
  const t = useT();
  if (!questions.length) return null;
  return (
    <View className='card questions' data-testid='questions'>
      <Text className='card-title'>{t('form.questions')}</Text>
      {questions.map((q) => {
        const label = localName(q) + (q.required ? t('question.required') : '');
        const value = answers[q.code];
        const error = showErrors ? errors[`answers.${q.code}`] : undefined;
        const choice = (v: string, text: string, selected: boolean, onTap: () => void) => (
          <View key={v} className={`chip ${selected ? 'active' : ''}`} role='button' aria-pressed={selected} aria-label={text} onClick={onTap} data-testid={`answer-${q.code}-${v}`}>
            <Text>{text}</Text>
          </View>
        );
        return (
          <View key={q.code} className='field question' data-testid={`question-${q.code}`}>
            <Text className={q.type === 'notice' ? 'banner info' : 'field-label'} id={`q-${q.code}`}>{label}</Text>
            {q.type === 'text' && (
              <>
                <Input
                  className={`input ${error ? 'invalid' : ''}`}
                  value={typeof value === 'string' ? value : ''}
                  maxlength={200}
                  placeholder={t('question.textPlaceholder')}
                  aria-label={localName(q)}
                  onInput={(e) => onAnswer(q.code, e.detail.value || undefined)}
                  data-testid={`answer-${q.code}`}
                />
                {q.options?.length ? <View className='chip-row'>{q.options.map((o) => choice(o.value, localName(o), value === o.value, () => onAnswer(q.code, o.value)))}</View> : null}
              </>
            )}
            {q.type === 'number' && (
              <Input
                className={`input ${error ? 'invalid' : ''}`}
                type='digit'
                value={value === undefined ? '' : String(value)}
                placeholder={t('question.numberPlaceholder')}
                aria-label={localName(q)}
                onInput={(e) => onAnswer(q.code, e.detail.value === '' ? undefined : e.detail.value)}
                data-testid={`answer-${q.code}`}
              />
            )}
            {q.type === 'single' && <View className='chip-row'>{(q.options ?? []).map((o) => choice(o.value, localName(o), value === o.value, () => onAnswer(q.code, value === o.value ? undefined : o.value)))}</View>}
            {q.type === 'multi' && (
              <View className='chip-row'>
                {(q.options ?? []).map((o) => {
                  const list = Array.isArray(value) ? value : [];
                  const on = list.includes(o.value);
                  return choice(o.value, localName(o), on, () => onAnswer(q.code, on ? list.filter((x) => x !== o.value) : [...list, o.value]));
                })}
              </View>
            )}
            {q.type === 'blocking' && (
              <View className='chip-row'>
                {choice('yes', t('question.yes'), value === true, () => onAnswer(q.code, true))}
                {choice('no', t('question.no'), value === false, () => onAnswer(q.code, false))}
              </View>
            )}
            {q.type === 'blocking' && value === true && (
              // The same call banner as an urgent text gets (119 and 962777 for a gas smell); the report still goes in.
              <CallBanner
                calls={emergencyCallsFor([q.label], q.blockMessage ?? '')}
                reason={(currentLanguage() === 'en' && q.blockMessageEn) || q.blockMessage || ''}
                testId={`emergency-call-${q.code}`}
              />
            )}
            {error && <Text className='error-text' data-testid={`answer-error-${q.code}`}>{error}</Text>}
          </View>
        );
      })}
    </View>
  );
}
